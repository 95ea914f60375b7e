"""A record's name in the page's language, defined once (ADR 0145).

Schools, projects, programmes, territories and the other ``Multilingual`` records carry a
name in Russian, Kazakh and English. A page shows the name in its own language; where the
record has none in that language it shows the Russian name, marked as such (``lang`` on the
element, a small "[ru]" after it) so that a reader sees it is not a translation.

- ``localized_name(obj)``: (text, language of the text) for a record;
- ``name_expr("school__")``: the same choice as a database expression, for ``values()`` and
  ``order_by()`` queries that never load the record;
- the template filter ``{{ record|lname }}`` (``{% load names %}``) renders it with the mark.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language

FALLBACK = "ru"
LANGS = ("ru", "kk", "en")


def active_lang() -> str:
    lang = (get_language() or FALLBACK)[:2]
    return lang if lang in LANGS else FALLBACK


def localized_name(obj: Any, field: str = "name") -> tuple[str, str]:
    """The record's ``field`` in the active language and that language, or the Russian one
    (with "ru") when it has none in the active language."""
    lang = active_lang()
    text = getattr(obj, f"{field}_{lang}", "") or ""
    if text:
        return str(text), lang
    return str(getattr(obj, f"{field}_{FALLBACK}", "") or ""), FALLBACK


def name_expr(prefix: str = "", field: str = "name") -> Any:
    """``prefix + field`` in the active language, falling back to Russian, as an expression:
    ``qs.values(name=name_expr("school__"))``."""
    lang = active_lang()
    ru = F(f"{prefix}{field}_{FALLBACK}")
    if lang == FALLBACK:
        return ru
    return Coalesce(NullIf(F(f"{prefix}{field}_{lang}"), Value("")), ru)
