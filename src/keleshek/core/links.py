"""Links stored from users: absolute http and https addresses only (ADR 0137).

A stored website is rendered as ``<a href>`` on public pages; a ``javascript:``, ``data:`` or
``vbscript:`` address there runs in the visitor's browser. ``validate_web_link`` guards every
write (model fields, forms, the importer); ``web_link`` guards every rendering, so a value that
reached the database some other way is shown as text, never as a live link.
"""

from __future__ import annotations

import html
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

SCHEMES = ("http", "https")
MAX_LENGTH = 200

_url = URLValidator(schemes=list(SCHEMES))
# Browsers drop ASCII tab and newline anywhere in a URL and leading/trailing C0 controls and
# spaces, so "java\tscript:" is "javascript:"; compare the scheme with them removed.
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028\u2029\ufeff]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def web_link(value: object) -> str | None:
    """``value`` when it is an absolute http(s) address with a host, else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > MAX_LENGTH:
        return None
    # What a browser would read, entities decoded (twice: "&amp;#58;" hides a colon too).
    decoded = _INVISIBLE.sub("", html.unescape(html.unescape(text)))
    for candidate in (text, decoded):
        m = _SCHEME.match(_INVISIBLE.sub("", candidate))
        if m is None or m.group(1).lower() not in SCHEMES:
            return None
    if _INVISIBLE.search(text) or "&" in text.split("?", 1)[0].split("#", 1)[0]:
        return None  # controls or entities before the query: nothing a real site needs
    try:
        _url(text)
    except ValidationError:
        return None
    return text


def validate_web_link(value: object) -> None:
    """The model and form validator: an empty value passes, anything but http(s) fails."""
    if value in (None, ""):
        return
    if web_link(value) is None:
        raise ValidationError(
            _("Enter a web address starting with http:// or https://."), code="web_link"
        )
