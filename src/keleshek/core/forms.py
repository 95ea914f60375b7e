"""Form fields that read numbers as people type them in the page's locale (ADR 0145)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .numbers import NotANumber, parse_int


class LocaleIntegerField(forms.CharField):
    """A whole number typed in the locale ("1 500"), within ``min_value``–``max_value``.
    "abc" or "2,5" is refused with a message, never ignored."""

    default_error_messages = {
        "invalid": _("“%(value)s” is not a whole number"),
        "range": _("enter a number from %(min)s to %(max)s"),
    }

    def __init__(self, *, min_value: int, max_value: int, **kwargs: Any) -> None:
        self.min_value, self.max_value = min_value, max_value
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if text is None or text in self.empty_values:
            return None
        try:
            number = parse_int(text)
        except NotANumber as exc:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": text[:40]}
            ) from exc
        if not self.min_value <= number <= self.max_value:
            raise ValidationError(
                self.error_messages["range"],
                code="range",
                params={
                    "min": number_format(self.min_value, force_grouping=True),
                    "max": number_format(self.max_value, force_grouping=True),
                },
            )
        return number
