"""``{{ value|web_link }}``: the address when it may be a live link, else an empty string."""

from __future__ import annotations

from django import template

from keleshek.core.links import web_link as _web_link

register = template.Library()


@register.filter(name="web_link")
def web_link(value: object) -> str:
    return _web_link(value) or ""
