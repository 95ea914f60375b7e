"""The client's address comes from the connection or from trusted proxies only (ADR 0136)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from keleshek.core.clientip import client_ip, valid_ip

rf = RequestFactory()


def _ip(xff: str | None, remote: str = "203.0.113.9") -> str | None:
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return client_ip(rf.get("/", **extra))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.0.0.1", "10.0.0.1"),
        (" 10.0.0.1 ", "10.0.0.1"),
        ("10.0.0.1:5555", "10.0.0.1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:DB8::1", "2001:db8::1"),
        ("::ffff:10.0.0.7", "10.0.0.7"),
        ("not-an-ip", None),
        ("'; DROP TABLE x; --", None),
        ("10.0.0.1\x00", None),
        ("999.1.1.1", None),
        ("", None),
        ("1" * 500, None),
        (None, None),
    ],
)
def test_valid_ip(value: str | None, expected: str | None) -> None:
    assert valid_ip(value) == expected


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert _ip(None) == "203.0.113.9"
    assert _ip("1.2.3.4") == "203.0.113.9"
    assert _ip("garbage, 1.2.3.4") == "203.0.113.9"


@override_settings(KELESHEK={"TRUSTED_PROXIES": 1})
def test_one_trusted_proxy_takes_the_entry_it_wrote() -> None:
    # nginx writes the connection's address; whatever a client put before it is not read
    assert _ip("198.51.100.7", remote="127.0.0.1") == "198.51.100.7"
    assert _ip("6.6.6.6, 198.51.100.7", remote="127.0.0.1") == "198.51.100.7"
    # no header or a garbage one: the connection's own address, never the garbage
    assert _ip(None, remote="127.0.0.1") == "127.0.0.1"
    assert _ip("<script>", remote="127.0.0.1") == "127.0.0.1"


@override_settings(KELESHEK={"TRUSTED_PROXIES": 2})
def test_two_trusted_proxies_take_the_second_entry_from_the_right() -> None:
    assert _ip("6.6.6.6, 198.51.100.7, 10.0.0.2", remote="10.0.0.3") == "198.51.100.7"
    assert _ip("198.51.100.7", remote="10.0.0.3") == "10.0.0.3"
