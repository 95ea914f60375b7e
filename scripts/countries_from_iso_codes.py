"""Print the rows of ``keleshek/core/countries.py`` from Debian's iso-codes package.

    apt-get install iso-codes && python3 scripts/countries_from_iso_codes.py

ISO 3166-1 alpha-2 codes with their English name (the common name where the standard has
one) and the Russian and Kazakh translations iso-codes ships. The short names Keleshek's
briefing already used (``OURS`` in the module) take precedence when the module is edited.
"""

from __future__ import annotations

import gettext
import json
from pathlib import Path

ROOT = Path("/usr/share/iso-codes/json/iso_3166-1.json")


def main() -> None:
    rows = json.loads(ROOT.read_text(encoding="utf-8"))["3166-1"]
    tr = {
        lang: gettext.translation("iso_3166-1", "/usr/share/locale", languages=[lang])
        for lang in ("ru", "kk")
    }
    for r in sorted(rows, key=lambda r: r["alpha_2"]):
        en = r.get("common_name") or r["name"]
        ru = tr["ru"].gettext(r["name"])
        kk = tr["kk"].gettext(r["name"])
        print(f'    "{r["alpha_2"]}": ({ru!r}, {kk!r}, {en!r}),')


if __name__ == "__main__":
    main()
