"""Demo census: the autumn census of the demo year (as of 1 October) open in every district,
and in Glubokoe a mix of schools — accepted, approved, submitted, returned with a comment,
being filled with a failing check, not started (late) — with figures taken from the school
records, so that approving one changes the dashboards only where the figures differ. A school
with an operator account (the demo operator's) is left not started for the walk. Monthly
periods (meals, transported pupils) of October are open and empty."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from keleshek.accounts.models import Role, User
from keleshek.core import hooks
from keleshek.core.context import acting_as
from keleshek.institutions.models import Enrolment, Institution, InstitutionYear

from . import services
from .models import Dataset, Return

GLUBOKOE = "634000000"
RETURNED_COMMENT = "Проверьте число учащихся 1 класса: в прошлом году было больше"


def values_from_records(school: Institution, year: int, rng: random.Random) -> dict[str, str]:
    """A complete autumn form that agrees with what the records hold for ``year``."""
    iy = InstitutionYear.objects.filter(institution=school, year=year).first()
    if iy is None:
        return {}
    out: dict[str, int | str] = {f"g{g}_{s}": 0 for g in range(12) for s in "mf"}
    for e in Enrolment.objects.filter(institution=school, year=year, grade__lte=11):
        out[f"g{e.grade}_{e.sex.lower()}"] = e.count
    pupils = sum(int(v) for v in out.values())
    if pupils != iy.pupils:
        return {}
    langs = list(school.languages or ["kk"])
    kk = pupils if langs == ["kk"] else 0 if "kk" not in langs else pupils // 2
    ru = pupils - kk if "ru" in langs else 0
    teachers = iy.teachers_headcount
    quals = [teachers * p // 100 for p in (5, 15, 25, 30)]
    primary = sum(int(out[f"g{g}_{s}"]) for g in range(5) for s in "mf")
    out.update(
        pupils_total=pupils,
        lang_kk=kk,
        lang_ru=ru,
        lang_other=pupils - kk - ru,
        shift1=iy.pupils_shift1,
        shift2=iy.pupils_shift2,
        shift3=iy.pupils_shift3,
        teachers_total=teachers,
        teachers_fte=str(Decimal(iy.teachers_fte).quantize(Decimal("0.01"))),
        staff_admin=max(2, teachers // 10),
        staff_support=max(1, pupils // 300),
        staff_technical=max(3, iy.design_capacity // 60),
        qual_master=quals[0],
        qual_researcher=quals[1],
        qual_expert=quals[2],
        qual_moderator=quals[3],
        qual_none=teachers - sum(quals),
        capacity=iy.design_capacity,
        condition=(
            "emergency" if iy.is_emergency else "three_shift" if iy.is_three_shift else "normal"
        ),
        heating=rng.choice(["central", "boiler", "boiler", "stove"]),
        water=rng.choice(["piped", "piped", "well", "delivered"]),
        toilets_indoor=rng.choice(["1", "1", "0"]),
        internet_mbps=rng.choice([4, 10, 20, 50, 100]),
        meals_free=primary,
        meals_paid=(pupils - primary) * 3 // 10,
        canteen_seats=max(20, iy.design_capacity // 3),
    )
    return {k: str(v) for k, v in out.items()}


def _fill(ret: Return, values: dict[str, str]) -> None:
    entries = {k: services.Entry(v) for k, v in values.items()}
    services.values_save(ret=ret, entries=entries, via="demo")
    for v in services.violations(ret):
        if v.rule.comment_on and v.blocking:
            services.values_save(
                ret=ret,
                entries={
                    v.rule.comment_on: services.Entry(
                        values[v.rule.comment_on], comment="Ввод нового корпуса (по учёту)"
                    )
                },
                via="demo",
            )


def load(*, year: int) -> None:
    rng = random.Random(19_2025)
    with acting_as(None, via="demo"), hooks.muted(), transaction.atomic():
        services.datasets_sync()
        autumn = Dataset.objects.get(code="autumn")
        period = services.period_open(dataset=autumn, year=year)
        for code in ("meals-monthly", "transport-monthly"):
            services.period_open(dataset=Dataset.objects.get(code=code), year=year, month=10)
        # Schools with an operator account (the demo operator's) are left for the walk.
        walk = set(
            User.objects.filter(role=Role.INSTITUTION_OPERATOR).values_list(
                "institution_id", flat=True
            )
        )
        schools = list(
            Institution.objects.filter(
                kind=Institution.Kind.SCHOOL,
                status=Institution.Status.OPERATING,
                settlement__path__contains=f"/{GLUBOKOE}/",
            ).order_by("bin")
        )
        october = dt.datetime(year, 10, 1, 10, 0, tzinfo=timezone.get_current_timezone())
        for i, school in enumerate(s for s in schools if s.pk not in walk):
            kind = i % 6
            if kind == 5:
                continue  # not started: late
            values = values_from_records(school, year, rng)
            if not values:
                continue
            ret = services.return_for(period, school)
            if kind == 3:  # being filled, with a failing check (grades do not add up)
                values["g1_m"] = str(int(values["g1_m"]) + 2)
                _fill(ret, {k: v for k, v in values.items() if not k.startswith("meals")})
                continue
            if kind == 2:  # submitted with a small change: approving it moves the dashboards
                values["g1_f"] = str(int(values["g1_f"]) + 1)
                values["pupils_total"] = str(int(values["pupils_total"]) + 1)
                values["lang_kk"] = str(int(values["lang_kk"]) + 1)
                values["shift1"] = str(int(values["shift1"]) + 1)
            _fill(ret, values)
            if any(v.blocking for v in services.violations(ret)):
                continue
            services.return_submit(ret=ret)
            day = october + dt.timedelta(days=3 + i % 12)  # some after the due date
            if kind == 4:
                services.return_send_back(ret=ret, comment=RETURNED_COMMENT)
            elif kind in (0, 1):
                services.return_approve(ret=ret)
                if kind == 0:
                    services.return_accept(ret=ret)
            # The demo dates its returns in October of the demo year (the services stamp now).
            Return.objects.filter(pk=ret.pk).update(
                submitted_at=day,
                approved_at=day + dt.timedelta(days=2) if kind in (0, 1) else None,
                accepted_at=day + dt.timedelta(days=4) if kind == 0 else None,
            )
            ret.events.update(at=day)
