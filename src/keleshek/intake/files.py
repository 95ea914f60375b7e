"""The intake's files on disk: private, bounded, and not kept for ever (issue 14, point 9;
docs/reliability.md, "Privacy").

- Every file the intake writes (uploads, exports, error reports) is created with mode 0600 in
  folders of mode 0700: they may hold children's personal data.
- An upload larger than ``KELESHEK["UPLOAD_MAX_BYTES"]`` (``KELESHEK_UPLOAD_MAX_MB``, default
  200 MB) is refused before it is stored.
- An upload whose preview rejected it, or that can never be confirmed, is deleted at once.
- A periodic job (``intake.tasks.expire_intake_files``, hourly) deletes every intake file older
  than ``KELESHEK["FILE_RETENTION_HOURS"]`` (``KELESHEK_FILE_RETENTION_HOURS``, default 24).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from pathlib import Path
from typing import IO, Any

from django.conf import settings

FOLDERS = ("uploads", "exports", "errors")


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, "KELESHEK", {}).get(name, default))


def upload_max_bytes() -> int:
    return _setting("UPLOAD_MAX_BYTES", 200 * 1024 * 1024)


def retention() -> dt.timedelta:
    return dt.timedelta(hours=_setting("FILE_RETENTION_HOURS", 24))


def root() -> Path:
    return Path(settings.MEDIA_ROOT) / "intake"


def private_dir(*parts: str) -> Path:
    path = root()
    for p in parts:
        path = path / p
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    for folder in (root(), path):
        with contextlib.suppress(OSError):
            folder.chmod(0o700)
    return path


def create_private(path: Path) -> IO[bytes]:
    """A new file at ``path`` opened for writing, readable by the application's user only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


def make_private(path: Path) -> Path:
    path.chmod(0o600)
    return path


def discard(path: str | Path | None) -> bool:
    """Delete a stored file; True if there was one."""
    if not path:
        return False
    try:
        Path(path).unlink()
    except FileNotFoundError:
        return False
    return True


def expire(now: float | None = None) -> int:
    """Delete the intake's files older than the retention; returns how many."""
    limit = (now if now is not None else time.time()) - retention().total_seconds()
    removed = 0
    for folder in FOLDERS:
        base = root() / folder
        if not base.is_dir():
            continue
        for path in base.iterdir():
            with contextlib.suppress(FileNotFoundError):
                if path.is_file() and path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
    return removed


def content_length(meta: Any) -> int:
    try:
        return int(meta.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return 0
