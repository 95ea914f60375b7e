"""The capacity what-if form: every value chosen from a list or checked, in the user's
language (issue 15, point 6). Nothing it describes is saved."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from keleshek.core.forms import LocaleIntegerField

# The largest school the region builds is of 1,500 places; a what-if of more than 5,000 is a
# typing mistake, not a plan.
MAX_PLACES = 5000


class WhatIfForm(forms.Form):
    add_settlement = forms.TypedChoiceField(
        label=_("Settlement"), coerce=int, required=False, empty_value=None
    )
    add_places = LocaleIntegerField(
        label=_("Places"), min_value=1, max_value=MAX_PLACES, required=False
    )
    add_year = forms.TypedChoiceField(
        label=_("In service from"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        data: Any,
        *,
        settlements: Iterable[tuple[int, str]],
        years: Iterable[int],
        projects: Iterable[str],
    ) -> None:
        super().__init__(data)
        years = list(years)
        self.fields["add_settlement"].choices = [("", "—"), *settlements]  # type: ignore[attr-defined]
        self.fields["add_year"].choices = [("", "—"), *((y, f"{y}/{y + 1}") for y in years)]  # type: ignore[attr-defined]
        year_choices = [("none", _("not built")), *((str(y), f"{y}/{y + 1}") for y in years)]
        self.project_keys = []
        for pid in projects:
            key = f"p_{pid}"
            self.fields[key] = forms.ChoiceField(choices=year_choices, required=False)
            self.project_keys.append((pid, key))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [data.get(k) is not None for k in ("add_settlement", "add_places", "add_year")]
        if any(given) and not all(given):
            raise forms.ValidationError(
                _("To add a project, choose its settlement and year and give its places."),
                code="incomplete",
            )
        return data

    def overrides(self) -> dict[str, int | None]:
        """Projects moved to another year (``None``: not built), as chosen."""
        out: dict[str, int | None] = {}
        for pid, key in self.project_keys:
            value = self.cleaned_data.get(key)
            if value:
                out[pid] = None if value == "none" else int(value)
        return out
