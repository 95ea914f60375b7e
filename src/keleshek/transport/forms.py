"""The coordinator's forms for the fleet and school bell times. The rules themselves live in
``services`` (``vehicle_problems``, ``schedule_problems``) so that the pages, the API and the
CLI refuse the same input with the same message."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from . import services
from .models import SchoolSchedule, Vehicle


def _add_problems(form: forms.BaseForm, problems: dict[str, str]) -> None:
    for field, message in problems.items():
        if field not in form.errors:
            form.add_error(field, message)


class VehicleForm(forms.ModelForm):
    class Meta:
        model = Vehicle
        fields: ClassVar[list[str]] = [
            "code",
            "plate",
            "model_name",
            "capacity",
            "depot_name",
            "depot_lat",
            "depot_lon",
            "cost_per_km",
            "available",
        ]
        widgets: ClassVar[dict[str, forms.Widget]] = {
            "capacity": forms.NumberInput(
                attrs={"min": services.SEATS[0], "max": services.SEATS[1]}
            ),
            "depot_lat": forms.NumberInput(attrs={"min": -90, "max": 90, "step": "any"}),
            "depot_lon": forms.NumberInput(attrs={"min": -180, "max": 180, "step": "any"}),
            "cost_per_km": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
        }
        help_texts: ClassVar[dict[str, Any]] = {
            "code": _("letters, digits, hyphens; unique in the region, e.g. bus-634000000-07"),
        }
        error_messages: ClassVar[dict[str, dict[str, Any]]] = {
            "code": {"unique": _("a vehicle with this code already exists")},
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        probe = Vehicle(pk=self.instance.pk, **{k: v for k, v in data.items() if k in self.fields})
        _add_problems(self, services.vehicle_problems(probe))
        return data


DEFAULTED = {
    "margin_min": services.DEFAULT_MARGIN_MIN,
    "window_min": services.DEFAULT_WINDOW_MIN,
}


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = SchoolSchedule
        fields: ClassVar[list[str]] = [
            "bell",
            "margin_min",
            "window_min",
            "dismissal",
            "shift2_bell",
            "shift2_grades",
            "shift2_dismissal",
        ]
        widgets: ClassVar[dict[str, forms.Widget]] = {
            **{
                name: forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
                for name in ("bell", "dismissal", "shift2_bell", "shift2_dismissal")
            },
            "margin_min": forms.NumberInput(
                attrs={"min": services.MARGIN_MIN[0], "max": services.MARGIN_MIN[1]}
            ),
            "window_min": forms.NumberInput(
                attrs={"min": services.WINDOW_MIN[0], "max": services.WINDOW_MIN[1]}
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in DEFAULTED:  # blank: the optimiser's default
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name, default in DEFAULTED.items():
            if data.get(name) is None and name not in self.errors:
                data[name] = default
        probe = SchoolSchedule(**{k: v for k, v in data.items() if k in self.fields})
        _add_problems(self, services.schedule_problems(probe))
        return data
