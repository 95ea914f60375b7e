"""Append translations to an app's .po files without re-extracting (keeps the diff small).

Usage: python scripts/po_append.py APP entries.json — entries: [[msgid, ru, kk], ...] or, for a
plural, [[msgid, msgid_plural, [ru forms], [kk forms]], ...]. Entries already present are left.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> None:
    app, path = sys.argv[1], sys.argv[2]
    entries = json.loads(Path(path).read_text())
    for lang_index, lang in ((0, "ru"), (1, "kk")):
        po = Path("src/keleshek") / app / "locale" / lang / "LC_MESSAGES" / "django.po"
        text = po.read_text()
        out = []
        for e in entries:
            if f"\nmsgid {quote(e[0])}\n" in text:
                continue
            if len(e) == 3:
                out.append(f"msgid {quote(e[0])}\nmsgstr {quote(e[1 + lang_index])}\n")
            else:
                forms = e[2 + lang_index]
                lines = [f"msgid {quote(e[0])}", f"msgid_plural {quote(e[1])}"]
                lines += [f"msgstr[{i}] {quote(f)}" for i, f in enumerate(forms)]
                out.append("\n".join(lines) + "\n")
        if out:
            po.write_text(text.rstrip("\n") + "\n\n" + "\n".join(out))


if __name__ == "__main__":
    main()
