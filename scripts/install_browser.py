"""Install Debian's Chromium for the browser tests if it is missing.

The browser tests drive ``/usr/bin/chromium`` through Playwright's ``executable_path``; they
never download a browser build of their own (``playwright install`` is not used). On a fresh
machine (CI) this script runs ``apt-get update`` and ``apt-get install chromium`` (as root, or
through sudo when it is available). It is idempotent: with Chromium present it does nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
PACKAGES = ["chromium", "fonts-dejavu-core"]


def _apt(*args: str) -> None:
    prefix: list[str] = []
    if os.geteuid() != 0:
        sudo = shutil.which("sudo")
        if not sudo:
            raise SystemExit("install_browser: not root and no sudo; install chromium by hand")
        prefix = [sudo, "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*prefix, "apt-get", *args], check=True, env=env)  # noqa: S603


def main() -> int:
    if CHROMIUM.exists():
        print(f"install_browser: {CHROMIUM} present")
        return 0
    if not shutil.which("apt-get"):
        print(
            "install_browser: no apt-get on this machine; install Chromium by hand", file=sys.stderr
        )
        return 1
    _apt("-o", "DPkg::Lock::Timeout=900", "update", "-q")
    # Wait for another apt-get (e.g. unattended upgrades) instead of failing on its lock.
    _apt(
        "-o", "DPkg::Lock::Timeout=900", "install", "-y", "-q", "--no-install-recommends", *PACKAGES
    )
    if not CHROMIUM.exists():
        print(f"install_browser: {CHROMIUM} still missing after apt-get", file=sys.stderr)
        return 1
    print(f"install_browser: installed {CHROMIUM}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
