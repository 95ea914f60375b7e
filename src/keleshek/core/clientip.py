"""The client's address: from the connection, or from a configured number of trusted proxies.

``settings.KELESHEK["TRUSTED_PROXIES"]`` (``KELESHEK_TRUSTED_PROXIES``, default 0) is how many
reverse proxies stand between the client and Keleshek, each appending the address it received
the connection from to ``X-Forwarded-For``. With 0 the header is ignored and the address is the
connection's (``REMOTE_ADDR``); with N it is the N-th entry from the right — the one the
outermost trusted proxy wrote. Entries further left come from the client and are never read, so
changing the header changes nothing (ADR 0136). Every address is validated: a value that is not
an IP address is never returned.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def valid_ip(value: object) -> str | None:
    """``value`` as a normalised IP address, or None when it is not one."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 64:
        return None
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return str(addr)


def trusted_proxies() -> int:
    try:
        return max(0, int(getattr(settings, "KELESHEK", {}).get("TRUSTED_PROXIES", 0)))
    except (TypeError, ValueError):
        return 0


def client_ip(request: HttpRequest) -> str | None:
    """The validated address of the client that sent ``request`` (None if there is none)."""
    remote = valid_ip(request.META.get("REMOTE_ADDR"))
    proxies = trusted_proxies()
    if proxies == 0:
        return remote
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [h.strip() for h in header.split(",") if h.strip()]
    if len(hops) < proxies:
        # Fewer entries than proxies: a request that did not pass through all of them (or a
        # misconfigured count). The connection's address is the only one we can vouch for.
        return remote
    return valid_ip(hops[-proxies]) or remote
