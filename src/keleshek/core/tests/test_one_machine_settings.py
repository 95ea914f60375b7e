"""The settings `make run` and `keleshek serve` use (keleshek.settings.dev) are production-like:
DEBUG off unless asked for, a generated secret kept in the data folder, loopback hosts plus
configured ones."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from keleshek.settings.secret_file import load_or_create_secret


def _settings(tmp_path: Path, **env: str) -> dict[str, object]:
    """The one-machine settings as a fresh process reads them with this environment."""
    code = (
        "import json; from keleshek.settings import dev; "
        "print(json.dumps({'DEBUG': dev.DEBUG, 'ALLOWED_HOSTS': dev.ALLOWED_HOSTS, "
        "'SECRET_KEY': dev.SECRET_KEY}))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KELESHEK_DEBUG", "KELESHEK_SECRET_KEY", "KELESHEK_ALLOWED_HOSTS")
    }
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "KELESHEK_WORK_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def test_debug_is_off_unless_the_environment_asks(tmp_path: Path) -> None:
    assert _settings(tmp_path)["DEBUG"] is False
    assert _settings(tmp_path, KELESHEK_DEBUG="0")["DEBUG"] is False
    assert _settings(tmp_path, KELESHEK_DEBUG="1")["DEBUG"] is True


def test_loopback_hosts_always_and_configured_hosts_too(tmp_path: Path) -> None:
    assert _settings(tmp_path)["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    hosts = _settings(tmp_path, KELESHEK_ALLOWED_HOSTS="school.local, 10.0.0.5,")["ALLOWED_HOSTS"]
    assert hosts == ["127.0.0.1", "localhost", "[::1]", "school.local", "10.0.0.5"]


def test_a_secret_key_is_generated_once_and_kept_in_the_data_folder(tmp_path: Path) -> None:
    first = _settings(tmp_path)["SECRET_KEY"]
    key_file = tmp_path / "keleshek-secret.key"
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(str(first)) >= 50
    assert not str(first).startswith("dev-only")
    assert _settings(tmp_path)["SECRET_KEY"] == first  # kept: sessions survive a restart
    other = tmp_path / "other"
    other.mkdir()
    assert _settings(other)["SECRET_KEY"] != first  # each installation its own
    # The environment still wins (an administrator's own secret).
    assert _settings(tmp_path, KELESHEK_SECRET_KEY="x" * 60)["SECRET_KEY"] == "x" * 60


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "keleshek-secret.key"
    keys: list[str] = []
    threads = [
        threading.Thread(target=lambda: keys.append(load_or_create_secret(path))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 8
    assert len(set(keys)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["keleshek-secret.key"]  # no leftovers


def test_a_truncated_key_file_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "keleshek-secret.key"
    path.write_text("short\n")
    with pytest.raises(ImproperlyConfigured, match="delete the file"):
        load_or_create_secret(path)
