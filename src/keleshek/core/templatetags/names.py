"""``{{ record|lname }}``: a record's name in the page's language, a marked fallback when it
has none (``keleshek.core.names``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from keleshek.core.names import active_lang, localized_name

register = template.Library()


@register.filter
def lname(obj: Any, field: str = "name") -> SafeString | str:
    if obj is None or obj == "":
        return ""
    if not hasattr(obj, f"{field}_ru"):
        return str(getattr(obj, field, obj))
    text, lang = localized_name(obj, field)
    if lang == active_lang():
        return text
    return format_html('<span lang="{}" class="fallback-lang">{}</span>', lang, text)
