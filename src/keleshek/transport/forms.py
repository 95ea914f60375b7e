"""The coordinator's forms for the fleet and school bell times. The rules themselves live in
``services`` (``vehicle_problems``, ``schedule_problems``) so that the pages, the API and the
CLI refuse the same input with the same message."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from keleshek.institutions.models import Institution

from . import services
from .models import Driver, Escort, SchoolSchedule, Vehicle


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
            "home_school",
            "carrier",
            "depot_name",
            "depot_lat",
            "depot_lon",
            "cost_per_km",
            "available",
            "driver",
            "escort",
            "inspection_valid_until",
            "insurance_valid_until",
            "seat_belts",
            "tachograph",
        ]
        widgets: ClassVar[dict[str, forms.Widget]] = {
            "capacity": forms.NumberInput(
                attrs={"min": services.SEATS[0], "max": services.SEATS[1]}
            ),
            "depot_lat": forms.NumberInput(attrs={"min": -90, "max": 90, "step": "any"}),
            "depot_lon": forms.NumberInput(attrs={"min": -180, "max": 180, "step": "any"}),
            "cost_per_km": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "inspection_valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "insurance_valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts: ClassVar[dict[str, Any]] = {
            "code": _("letters, digits, hyphens; unique in the region, e.g. bus-634000000-07"),
        }
        error_messages: ClassVar[dict[str, dict[str, Any]]] = {
            "code": {"unique": _("a vehicle with this code already exists")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district = self.instance.territory if self.instance.territory_id else None
        home = self.fields["home_school"]
        assert isinstance(home, forms.ModelChoiceField)
        inside = district.path if district else "-"
        home.queryset = Institution.objects.filter(
            kind=Institution.Kind.SCHOOL, settlement__path__startswith=inside
        ).order_by("name_ru")
        for name, model in (("driver", Driver), ("escort", Escort)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = model.objects.filter(territory__path__startswith=inside)
        for name in ("depot_name", "depot_lat", "depot_lon"):
            self.fields[name].required = False  # a school's bus stands at its school

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("home_school") is None:
            for name in ("depot_name", "depot_lat", "depot_lon"):
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, _("give the garage, or choose the home school"))
        probe = Vehicle(
            pk=self.instance.pk,
            territory=self.instance.territory if self.instance.territory_id else None,
            **{k: v for k, v in data.items() if k in self.fields},
        )
        _add_problems(self, services.vehicle_problems(probe))
        services.place_at_home(probe)
        for name in ("depot_name", "depot_lat", "depot_lon"):
            if data.get("home_school") is not None:
                data[name] = getattr(probe, name)
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


_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DriverForm(forms.ModelForm):
    class Meta:
        model = Driver
        fields: ClassVar[list[str]] = [
            "full_name",
            "licence_number",
            "licence_categories",
            "licence_valid_until",
            "medical_valid_until",
        ]
        widgets: ClassVar[dict[str, forms.Widget]] = {
            "licence_valid_until": _DATE,
            "medical_valid_until": _DATE,
        }


class EscortForm(forms.ModelForm):
    class Meta:
        model = Escort
        fields: ClassVar[list[str]] = [
            "full_name",
            "school",
            "order_number",
            "order_date",
            "valid_until",
        ]
        widgets: ClassVar[dict[str, forms.Widget]] = {"order_date": _DATE, "valid_until": _DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district = self.instance.territory if self.instance.territory_id else None
        school = self.fields["school"]
        assert isinstance(school, forms.ModelChoiceField)
        school.queryset = Institution.objects.filter(
            kind=Institution.Kind.SCHOOL,
            settlement__path__startswith=district.path if district else "-",
        ).order_by("name_ru")
