"""A secret key generated once and kept in the data folder (settings for one machine, ADR 0091).

Written with mode 0600 to a temporary name and linked into place, so that two processes starting
at the same moment agree on one key and neither reads a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

MIN_LENGTH = 50


def load_or_create_secret(path: Path) -> str:
    """The key stored at ``path``; a new random one is stored there first if there is none."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(MIN_LENGTH) + "\n")
        try:
            os.link(tmp, path)  # fails if another process linked its key first: theirs wins
        except FileExistsError:
            pass
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"Cannot keep a secret key in {path}: {exc}. Make the data folder writable "
            "(KELESHEK_WORK_DIR) or set KELESHEK_SECRET_KEY."
        ) from exc
    return _read(path)


def _read(path: Path) -> str:
    key = path.read_text().strip()
    if len(key) < MIN_LENGTH:
        raise ImproperlyConfigured(
            f"The secret key in {path} is shorter than {MIN_LENGTH} characters; delete the file "
            "to have a new one generated (existing sessions end)."
        )
    return key
