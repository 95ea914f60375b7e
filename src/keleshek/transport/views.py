"""The transport coordinator's pages: who rides and why, stops, the fleet, bell times,
optimise, what-if, route sheets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keleshek.accounts import privacy
from keleshek.core import audit
from keleshek.core.names import name_expr
from keleshek.institutions.models import Institution
from keleshek.institutions.selectors import current_school_year
from keleshek.support.models import Pupil
from keleshek.territory.models import Territory

from . import selectors, services, wording
from .charts import plan_svg
from .forms import DriverForm, EscortForm, ScheduleForm, VehicleForm
from .models import (
    CancelledDay,
    Driver,
    Escort,
    Plan,
    Rider,
    RoadNetwork,
    SchemeApproval,
    SchoolSchedule,
    Stop,
    Vehicle,
)
from .services import crew, days


def _district(request: HttpRequest, kato: str) -> Territory:
    if not selectors.can_use(request.user):
        raise PermissionDenied
    district = selectors.districts_for(request.user).filter(kato=kato).first()
    if district is None:
        raise Http404
    return district


def _data(request: HttpRequest) -> Any:
    """A form's data: the POST body (even empty, so that it is validated), or None on GET."""
    return request.POST if request.method == "POST" else None


def _require_change(request: HttpRequest) -> None:
    if not selectors.can_change(request.user):
        raise PermissionDenied


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not selectors.can_use(request.user):
        raise PermissionDenied
    districts = list(selectors.districts_for(request.user).order_by("kato"))
    if len(districts) == 1:
        current = (
            selectors.plans_for(districts[0]).filter(is_current=True).order_by("-pk").first()
            if request.GET.get("current")
            else None
        )
        if current is not None:  # the coordinator's start page: the district's current plan
            return redirect("transport:plan", kato=districts[0].kato, pk=current.pk)
        return redirect("transport:district", kato=districts[0].kato)
    return render(request, "transport/home.html", {"districts": districts})


@login_required
def district(request: HttpRequest, kato: str) -> HttpResponse:
    d = _district(request, kato)
    plans = list(selectors.plans_for(d)[:20])
    return render(
        request,
        "transport/district.html",
        {
            "district": d,
            "summary": selectors.district_summary(d),
            "month": days.month_report(d, dt.date.today().year, dt.date.today().month),
            "current": days.current_plan(d),
            "plans": plans,
            "can_change": selectors.can_change(request.user),
        },
    )


@login_required
def riders(request: HttpRequest, kato: str) -> HttpResponse:
    d = _district(request, kato)
    qs = (
        selectors.riders_for(request.user)
        .filter(school__settlement__path__startswith=d.path)
        .order_by("school__name_ru", "pupil__last_name")
    )
    if request.GET.get("nostop"):
        qs = qs.filter(stop__isnull=True)
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    second = selectors.second_shift_grades({r.school_id for r in page})
    # The shift each rider is brought for: by grade, from the school's bell times.
    rows = [(r, 2 if r.pupil.grade in second.get(r.school_id, ()) else 1) for r in page]
    audit.record(
        "read_personal",
        object_type="transport.rider",
        object_id=d.kato,
        summary=f"riders list page {page.number} ({len(page.object_list)} pupils)",
    )
    # Home settlement, distance, the reason (which states the distance) and the stop (near the
    # home, named after its settlement) are the child's address: shown only to the roles the
    # privacy policy lets read it (ADR 0132).
    address = privacy.clear(request.user, privacy.Field.ADDRESS)
    return render(
        request,
        "transport/riders.html",
        {"district": d, "page": page, "rows": rows, "address": address},
    )


@login_required
@require_POST
def assess(request: HttpRequest, kato: str) -> HttpResponse:
    d = _district(request, kato)
    _require_change(request)
    year = int(request.POST.get("year") or current_school_year())
    n = services.assess_riders(territory=d, year=year)
    messages.success(request, _("%(n)s pupils need transport") % {"n": n})
    return redirect("transport:district", kato=kato)


@login_required
@require_POST
def generate(request: HttpRequest, kato: str) -> HttpResponse:
    d = _district(request, kato)
    _require_change(request)
    try:
        limit = float(request.POST.get("limit_m") or services.walking_limit_m())
    except ValueError:
        limit = -1
    if not 100 <= limit <= 5000:
        messages.error(request, _("the walking limit must be between 100 and 5000 m"))
        return redirect("transport:district", kato=kato)
    n = services.generate_stops(territory=d, limit_m=limit)
    messages.success(request, _("%(n)s stops generated") % {"n": n})
    return redirect("transport:stops", kato=kato)


@login_required
def stops(request: HttpRequest, kato: str) -> HttpResponse:
    d = _district(request, kato)
    qs = (
        Stop.objects.filter(school__settlement__path__startswith=d.path)
        .select_related("school", "settlement")
        .prefetch_related(Prefetch("riders"))
        .order_by("school__name_ru", "code")
    )
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    # a stop made for one child stands at the child's home: its place to about a kilometre for
    # the roles that may not read home coordinates (ADR 0132)
    places = 5 if privacy.clear(request.user, privacy.Field.HOME) else 2
    return render(
        request,
        "transport/stops.html",
        {
            "district": d,
            "page": page,
            "can_change": selectors.can_change(request.user),
            "places": places,
        },
    )


@login_required
def stop_edit(request: HttpRequest, kato: str, pk: int | None = None) -> HttpResponse:
    d = _district(request, kato)
    _require_change(request)
    stop = (
        get_object_or_404(Stop, pk=pk, school__settlement__path__startswith=d.path) if pk else None
    )
    schools = Institution.objects.filter(
        settlement__path__startswith=d.path, kind=Institution.Kind.SCHOOL
    ).order_by("name_ru")
    error = ""
    if request.method == "POST":
        try:
            school = schools.get(pk=int(request.POST["school"]))
            lat, lon = float(request.POST["lat"]), float(request.POST["lon"])
            name = request.POST.get("name", "").strip() or _("stop")
            settlement = (
                Territory.objects.filter(path__startswith=d.path, level="settlement")
                .filter(pk=int(request.POST.get("settlement") or school.settlement_id))
                .first()
            ) or school.settlement
            services.stop_save(
                stop=stop, school=school, settlement=settlement, name=name, lat=lat, lon=lon
            )
        except (KeyError, ValueError, Institution.DoesNotExist):
            error = _("choose a school and give latitude and longitude as numbers")
        except ValidationError as exc:
            error = "; ".join(exc.messages)
        else:
            messages.success(request, _("stop saved; riders re-seated on their nearest stop"))
            return redirect("transport:stops", kato=kato)
    return render(
        request,
        "transport/stop_form.html",
        {"district": d, "stop": stop, "schools": schools, "error": error},
        status=400 if error else 200,
    )


@login_required
def fleet(request: HttpRequest, kato: str) -> HttpResponse:
    d = _district(request, kato)
    page = Paginator(selectors.fleet_for(d), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "transport/fleet.html",
        {
            "district": d,
            "page": page,
            "per_school": selectors.fleet_per_school(d),
            "issues": [
                (i, crew.issue_sentence(i))
                for i in crew.fleet_issues(d, dt.date.today())
                if i["kind"] != "missing"
            ],
            "can_change": selectors.can_change(request.user),
        },
    )


@login_required
def vehicle_edit(request: HttpRequest, kato: str, pk: int | None = None) -> HttpResponse:
    d = _district(request, kato)
    _require_change(request)
    vehicle = get_object_or_404(selectors.fleet_for(d), pk=pk) if pk else Vehicle(territory=d)
    code = vehicle.code
    form = VehicleForm(_data(request), instance=vehicle)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.vehicle_save(form.save(commit=False))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("vehicle %(code)s saved; the next optimisation uses it") % {"code": saved.code},
            )
            return redirect("transport:fleet", kato=kato)
    return render(
        request,
        "transport/vehicle_form.html",
        {"district": d, "form": form, "code": code},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def vehicle_available(request: HttpRequest, kato: str, pk: int) -> HttpResponse:
    d = _district(request, kato)
    _require_change(request)
    vehicle = get_object_or_404(selectors.fleet_for(d), pk=pk)
    value = request.POST.get("available")
    if value not in ("0", "1"):
        messages.error(request, _("say whether the vehicle is available"))
        return redirect("transport:fleet", kato=kato)
    services.vehicle_set_available(vehicle, available=value == "1")
    if value == "1":
        messages.success(request, _("%(code)s is available again") % {"code": vehicle.code})
    else:
        messages.success(
            request, _("%(code)s is out of service; plans leave it out") % {"code": vehicle.code}
        )
    return redirect("transport:fleet", kato=kato)


@login_required
def bells(request: HttpRequest, kato: str) -> HttpResponse:
    d = _district(request, kato)
    page = Paginator(selectors.bell_schools(d), 100).get_page(request.GET.get("page"))
    schools = list(page.object_list)
    schedules = {
        s.school_id: s for s in SchoolSchedule.objects.filter(school__in=[i.pk for i in schools])
    }
    counts = selectors.riders_per_school(d)
    rows = [(i, schedules.get(i.pk), counts.get(i.pk, 0)) for i in schools]
    return render(
        request,
        "transport/bells.html",
        {
            "district": d,
            "page": page,
            "rows": rows,
            "default": services.schedule_defaults(None),
            "school_day_min": services.school_day_min(),
            "can_change": selectors.can_change(request.user),
        },
    )


@login_required
def bell_edit(request: HttpRequest, kato: str, pk: int) -> HttpResponse:
    d = _district(request, kato)
    _require_change(request)
    school = get_object_or_404(selectors.bell_schools(d), pk=pk)
    stored = SchoolSchedule.objects.filter(school=school).first()
    form = ScheduleForm(_data(request), instance=stored or services.schedule_defaults(school))
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_save(form.save(commit=False))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("bell time of %(school)s saved; the next optimisation uses it")
                % {"school": school.name},
            )
            return redirect("transport:bells", kato=kato)
    return render(
        request,
        "transport/bell_form.html",
        {
            "district": d,
            "school": school,
            "form": form,
            "is_new": stored is None,
            "school_day_min": services.school_day_min(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def optimise(request: HttpRequest, kato: str) -> HttpResponse:
    d = _district(request, kato)
    _require_change(request)
    try:
        seconds = int(request.POST.get("seconds") or 10)
        max_ride = int(request.POST.get("max_ride_min") or services.max_ride_min())
    except ValueError:
        seconds, max_ride = -1, -1
    if not (1 <= seconds <= 600 and 10 <= max_ride <= 180):
        messages.error(request, _("time budget 1–600 s, maximum ride 10–180 min"))
        return redirect("transport:district", kato=kato)
    plan = services.plan_create(
        territory=d,
        name=_("Plan %(d)s") % {"d": d.name},
        params={
            "seconds": seconds,
            "max_ride_min": max_ride,
            # The form sends "0" and, when ticked, "1" after it; other callers: allowed.
            "shared_trips": request.POST.get("shared_trips", "1") == "1",
        },
        user=request.user,
    )
    return redirect("transport:plan", kato=kato, pk=plan.pk)


@login_required
def plan(request: HttpRequest, kato: str, pk: int) -> HttpResponse:
    """A plan: its summary, the pupils without a seat first, the routes as a table; one route's
    stops and times on a page of its own (``?route=N``)."""
    d = _district(request, kato)
    p = get_object_or_404(Plan.objects.select_related("job", "base"), pk=pk, territory=d)
    routes = list(p.routes.select_related("vehicle"))
    base_routes = list(p.base.routes.all()) if p.base is not None else []
    schools = list(
        Institution.objects.filter(
            settlement__path__startswith=d.path, kind=Institution.Kind.SCHOOL
        ).order_by(name_expr())
    )
    names = wording.route_names(routes)
    chosen = request.GET.get("route", "")
    route = next((r for r in routes if str(r.number) == chosen), None)
    if chosen and route is None:
        raise Http404
    # A stop made for one child stands at its home: the roles that may not read home
    # coordinates see places on a 1 km grid on the maps and to 2 decimals in the tables
    # (ADR 0132, 0173).
    precise = privacy.clear(request.user, privacy.Field.HOME)
    detail = None
    if route is not None:
        keys = {str(v["stop"]) for t in (*route.trips, *route.afternoon) for v in t["visits"]}
        labels = wording.stop_labels(keys, 5 if precise else 2)
        detail = {
            "route": route,
            "name": names[route.number],
            "trips": _labelled(route.trips, labels),
            "afternoon": _labelled(route.afternoon, labels),
        }
    unserved = Paginator(p.unserved, 100).get_page(request.GET.get("page"))
    if unserved.object_list:
        audit.record(
            "read_personal",
            p,
            summary=f"plan {p.pk}: {len(unserved.object_list)} pupils without a seat",
        )
    return render(
        request,
        "transport/plan.html",
        {
            "district": d,
            "plan": p,
            "routes": [(r, names[r.number]) for r in routes],
            "detail": detail,
            "unserved": unserved,
            "unserved_rows": wording.unserved_rows(list(unserved.object_list)),
            "afternoon_rows": wording.unserved_rows(p.afternoon_unserved[:100]),
            "svg": plan_svg(routes, precise=precise) if routes and detail is None else "",
            "route_svg": (
                plan_svg([route], precise=precise, title_id="route-title")
                if route is not None
                else ""
            ),
            "base": p.base,
            "base_svg": (
                plan_svg(base_routes, precise=precise, title_id="base-routes-title")
                if base_routes and detail is None
                else ""
            ),
            "doc_expired": [
                crew.issue_sentence(i) for i in p.document_issues if i["kind"] == "expired"
            ],
            "distances": wording.distances_sentence(p.distances),
            "doc_warnings": [
                crew.issue_sentence(i) for i in p.document_issues if i["kind"] != "expired"
            ],
            "can_change": selectors.can_change(request.user),
            "schools": schools,
            "road_places": _road_places(d, schools) if selectors.can_change(request.user) else [],
            "road_ends": [("a", _("From")), ("b", _("To"))],
        },
    )


def _road_places(
    d: Territory, schools: list[Institution]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """What a closed road may join, for the what-if's lists: each school with its stops."""
    stops: dict[int, list[tuple[str, str]]] = {}
    for stop in Stop.objects.filter(settlement__path__startswith=d.path).order_by("name", "pk"):
        # Named in the page's language, as on the stops pages (Stop.label).
        stops.setdefault(stop.school_id, []).append((f"stop:{stop.pk}", stop.label))
    return [
        (s.name, [(f"school:{s.pk}", s.name), *stops.get(s.pk, [])])
        for s in schools
        if s.pk in stops
    ]


def _labelled(trips: list[dict[str, Any]], labels: dict[str, str]) -> list[dict[str, Any]]:
    """Trips with stops and schools named in the page's language."""
    return wording.relabel(trips, labels)


@login_required
@require_POST
def whatif(request: HttpRequest, kato: str, pk: int) -> HttpResponse:
    d = _district(request, kato)
    _require_change(request)
    base = get_object_or_404(Plan, pk=pk, territory=d)
    scenario: dict[str, Any] = {"kind": request.POST.get("kind", "")}
    for key in ("minutes", "lat", "lon", "school", "name", "a", "b", "distance_m", "duration_s"):
        if request.POST.get(key):
            scenario[key] = request.POST[key]
    try:
        params = services.whatif_params(base, scenario)
    except ValidationError as exc:
        messages.error(
            request, _("the what-if is incomplete: %(e)s") % {"e": "; ".join(exc.messages)}
        )
        return redirect("transport:plan", kato=kato, pk=pk)
    except (KeyError, ValueError) as exc:
        messages.error(request, _("the what-if is incomplete: %(e)s") % {"e": exc})
        return redirect("transport:plan", kato=kato, pk=pk)
    labels = {
        "one_bus_fewer": _("one bus fewer"),
        "later_bell": _("bell later"),
        "new_stop": _("a new stop"),
        "closed_road": _("a closed road"),
    }
    variant = services.plan_create(
        territory=d,
        name=f"{base.name}: {labels.get(scenario['kind'], '')}",
        params=params,
        user=request.user,
        base=base,
        scenario=scenario,
    )
    return redirect("transport:plan", kato=kato, pk=variant.pk)


@login_required
def route_sheets(request: HttpRequest, kato: str, pk: int) -> HttpResponse:
    """Route sheets for drivers as PDF, in Russian or Kazakh: the file rendered ahead when the
    plan completed, or rendered now if its records changed since (``transport.documents``)."""
    from keleshek.jobs.documents import get

    from .documents import ROUTE_SHEETS, route_sheets_params

    d = _district(request, kato)
    p = get_object_or_404(Plan, pk=pk, territory=d)
    lang = request.GET.get("lang", "ru")
    if lang not in ("ru", "kk"):
        lang = "ru"
    pdf = get(ROUTE_SHEETS, route_sheets_params(p, lang)).content
    audit.record("download", p, summary=f"route sheets ({lang}), {p.routes.count()} routes")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="route-sheets-{p.pk}-{lang}.pdf"'
    return response


def plan_url(p: Plan) -> str:
    return reverse("transport:plan", kwargs={"kato": p.territory.kato, "pk": p.pk})


@login_required
def crew_list(request: HttpRequest, kato: str) -> HttpResponse:
    """Drivers and escorts of the district, with what expires."""
    d = _district(request, kato)
    inside = {"territory__path__startswith": d.path}
    return render(
        request,
        "transport/crew.html",
        {
            "district": d,
            "drivers": Driver.objects.filter(**inside).order_by("full_name"),
            "escorts": Escort.objects.filter(**inside).select_related("school"),
            "can_change": selectors.can_change(request.user),
            "today": dt.date.today(),
        },
    )


def _crew_edit(
    request: HttpRequest, kato: str, model: type[Driver] | type[Escort], pk: int | None
) -> HttpResponse:
    d = _district(request, kato)
    _require_change(request)
    inside = model.objects.filter(territory__path__startswith=d.path)
    record = get_object_or_404(inside, pk=pk) if pk else model(territory=d)
    form_class = DriverForm if model is Driver else EscortForm
    form = form_class(_data(request), instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            if isinstance(form.instance, Driver):
                crew.driver_save(form.save(commit=False))
            else:
                crew.escort_save(form.save(commit=False))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("saved"))
            return redirect("transport:crew", kato=kato)
    title = _("Driver") if model is Driver else _("Escort")
    return render(
        request,
        "transport/crew_form.html",
        {"district": d, "form": form, "title": title},
        status=400 if form.errors else 200,
    )


@login_required
def driver_edit(request: HttpRequest, kato: str, pk: int | None = None) -> HttpResponse:
    return _crew_edit(request, kato, Driver, pk)


@login_required
def escort_edit(request: HttpRequest, kato: str, pk: int | None = None) -> HttpResponse:
    return _crew_edit(request, kato, Escort, pk)


def _month(text: str | None, today: dt.date) -> tuple[int, int]:
    """``YYYY-MM`` as (year, month); this month when absent or unreadable."""
    try:
        year, month = (int(x) for x in (text or "").split("-"))
        dt.date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month


@login_required
def cancelled_days(request: HttpRequest, kato: str) -> HttpResponse:
    """Record a cancelled day; the month's report with the pupils affected."""
    d = _district(request, kato)
    today = dt.date.today()
    errors: dict[str, str] = {}
    if request.method == "POST":
        _require_change(request)
        post = request.POST
        school = vehicle = None
        when: dt.date | None = None
        try:
            when = dt.date.fromisoformat(post.get("date", ""))
        except ValueError:
            errors["date"] = _("give the date")
        if post.get("school", "").isdigit():
            school = Institution.objects.filter(pk=int(post["school"])).first()
        if post.get("vehicle", "").isdigit():
            vehicle = selectors.fleet_for(d).filter(pk=int(post["vehicle"])).first()
        if not errors:
            try:
                day = days.cancel_day(
                    d,
                    date=when,
                    reason=post.get("reason", ""),
                    school=school,
                    vehicle=vehicle,
                    note=post.get("note", ""),
                    user=request.user,
                    today=today,
                )
            except ValidationError as exc:
                errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
            else:
                messages.success(
                    request,
                    _("the day is recorded as cancelled: %(n)s pupils without a ride")
                    % {"n": day.pupils_affected},
                )
                return redirect(
                    f"{reverse('transport:days', kwargs={'kato': kato})}?month={day.date:%Y-%m}"
                )
    year, month = _month(request.GET.get("month"), today)
    report = days.month_report(d, year, month)
    names = {
        p.pk: p
        for p in Pupil.objects.filter(
            pk__in={pid for day in report["days"] for pid in day.pupil_ids}
        ).select_related("school")
    }
    if names:
        audit.record(
            "read_personal",
            object_type="transport.cancelledday",
            object_id=d.kato,
            summary=f"cancelled days {year}-{month:02d}: {len(names)} pupils",
        )
    rows = [(day, [names[p] for p in day.pupil_ids if p in names]) for day in report["days"]]
    prev = report["first"] - dt.timedelta(days=1)
    nxt = report["first"] + dt.timedelta(days=32)
    return render(
        request,
        "transport/days.html",
        {
            "district": d,
            "report": report,
            "rows": rows,
            "errors": errors,
            "reasons": CancelledDay.Reason.choices,
            "schools": selectors.bell_schools(d).filter(kind=Institution.Kind.SCHOOL),
            "vehicles": selectors.fleet_for(d),
            "can_change": selectors.can_change(request.user),
            "today": today,
            "prev": f"{prev:%Y-%m}",
            "next": f"{nxt:%Y-%m}",
        },
        status=400 if errors else 200,
    )


@login_required
def scheme(request: HttpRequest, kato: str) -> HttpResponse:
    """The transport scheme: downloads and the register of approving resolutions."""
    from . import scheme as scheme_doc

    d = _district(request, kato)
    year = current_school_year()
    errors: dict[str, str] = {}
    if request.method == "POST":
        _require_change(request)
        post = request.POST
        when: dt.date | None = None
        try:
            when = dt.date.fromisoformat(post.get("date", ""))
        except ValueError:
            when = None
        asked = post.get("year", "")
        try:
            scheme_doc.approval_record(
                d,
                year=int(asked) if asked.isdigit() else None,
                number=post.get("number", ""),
                date=when,
                body=post.get("body", ""),
            )
        except ValidationError as exc:
            errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
        else:
            messages.success(request, _("the resolution is recorded"))
            return redirect("transport:scheme", kato=kato)
    return render(
        request,
        "transport/scheme.html",
        {
            "district": d,
            "year": year,
            "approvals": SchemeApproval.objects.filter(territory=d).select_related("plan"),
            "langs": [("ru", _("Russian")), ("kk", _("Kazakh"))],
            "errors": errors,
            "can_change": selectors.can_change(request.user),
        },
        status=400 if errors else 200,
    )


@login_required
def scheme_file(request: HttpRequest, kato: str) -> HttpResponse:
    from . import scheme as scheme_doc

    d = _district(request, kato)
    lang = request.GET.get("lang", "ru")
    lang = lang if lang in ("ru", "kk") else "ru"
    kind = request.GET.get("format", "pdf")
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdigit() and 2000 <= int(asked) <= 2100 else current_school_year()
    # stops may stand at homes: full precision for the roles that read them (ADR 0173)
    precise = privacy.clear(request.user, privacy.Field.HOME)
    if kind == "docx":
        body = scheme_doc.scheme_docx(d, year, lang, precise=precise)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        from keleshek.jobs.documents import get

        from .documents import SCHEME, scheme_params

        kind = "pdf"
        # rendered ahead (the precise one when a plan completes), else now and kept
        body = get(SCHEME, scheme_params(d, year, lang, precise=precise)).content
        content_type = "application/pdf"
    audit.record(
        "download",
        object_type="transport.scheme",
        object_id=d.kato,
        summary=f"transport scheme {year} ({lang}, {kind})",
    )
    response = HttpResponse(body, content_type=content_type)
    name = f"transport-scheme-{d.kato}-{year}-{lang}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def roads(request: HttpRequest, kato: str) -> HttpResponse:
    """The road networks imported from OpenStreetMap, whether one covers the district, and an
    upload of an extract (the same import as ``keleshek roads import``; ADR 0177)."""
    from .services import roads as road_service

    d = _district(request, kato)
    error = ""
    if request.method == "POST":
        _require_change(request)
        upload = request.FILES.get("file")
        if upload is None:
            error = _("choose an OpenStreetMap extract: .osm.pbf or .osm")
        else:
            try:
                network = road_service.import_upload(upload)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("%(name)s imported: %(nodes)s nodes, %(edges)s road segments")
                    % {"name": network.name, "nodes": network.nodes, "edges": network.edges},
                )
                return redirect("transport:roads", kato=kato)
    points = road_service.district_points(d)
    networks = [
        (n, road_service.covers(n, points))
        for n in RoadNetwork.objects.defer("graph").order_by("-created_at")[:20]
    ]
    return render(
        request,
        "transport/roads.html",
        {
            "district": d,
            "networks": networks,
            "covering": next((n for n, c in networks if c), None),
            "error": error,
            "can_change": selectors.can_change(request.user),
        },
        status=400 if error else 200,
    )


@login_required
def stops_map(request: HttpRequest, kato: str) -> HttpResponse:
    """One school's stops on a plain SVG map with who walks where; close or merge stops."""
    from .charts import coarse, walks_svg

    d = _district(request, kato)
    schools = list(selectors.bell_schools(d).filter(kind=Institution.Kind.SCHOOL))
    asked = request.GET.get("school", "")
    school = next((s for s in schools if str(s.pk) == asked), schools[0] if schools else None)
    if request.method == "POST":
        _require_change(request)
        inside = Stop.objects.filter(school__settlement__path__startswith=d.path)
        action = request.POST.get("action")
        try:
            if action == "close":
                stop = get_object_or_404(inside, pk=int(request.POST.get("stop", "0")))
                left = services.stop_close(stop)
                messages.success(
                    request,
                    _("the stop is closed; %(n)s pupils of the school have no stop in reach")
                    % {"n": left},
                )
            elif action == "move":
                # dragged on the map (stops_map.js) or typed: saved as the stop form saves
                stop = get_object_or_404(inside, pk=int(request.POST.get("stop", "0")))
                lat, lon = float(request.POST["lat"]), float(request.POST["lon"])
                services.stop_save(
                    stop=stop,
                    school=stop.school,
                    settlement=stop.settlement,
                    name=stop.name,
                    lat=lat,
                    lon=lon,
                )
                messages.success(request, _("stop saved; riders re-seated on their nearest stop"))
            elif action == "merge":
                keep = get_object_or_404(inside, pk=int(request.POST.get("keep", "0")))
                other = get_object_or_404(inside, pk=int(request.POST.get("other", "0")))
                services.stop_merge(keep, other)
                messages.success(request, _("the stops are merged"))
        except (ValidationError, ValueError, KeyError) as exc:
            if isinstance(exc, ValidationError):
                text = " ".join(exc.messages)
            elif action == "move":
                text = _("choose a school and give latitude and longitude as numbers")
            else:
                text = str(exc)
            messages.error(request, text)
        target = reverse("transport:stops_map", kwargs={"kato": kato})
        return redirect(f"{target}?school={request.POST.get('school', asked)}")
    stops = list(Stop.objects.filter(school=school).order_by("pk")) if school else []
    riders = (
        list(Rider.objects.filter(school=school).select_related("pupil", "stop")) if school else []
    )
    if riders:
        audit.record(
            "read_personal",
            object_type="transport.rider",
            object_id=str(school.pk if school else ""),
            summary=f"walks map: {len(riders)} riders",
        )
    # Homes only for the roles the privacy policy lets read them (ADR 0132); names as on the
    # riders page, last name and initial.
    homes = privacy.clear(request.user, privacy.Field.HOME)
    # and the stops, which may stand at a home, on the 1 km grid for the others (ADR 0173)
    svg = walks_svg(
        [
            (s.pk, s.label, s.lon, s.lat)
            if homes
            else (s.pk, s.label, coarse(s.lon), coarse(s.lat))
            for s in stops
        ],
        [
            (
                float(r.pupil.home_lon or 0),
                float(r.pupil.home_lat or 0),
                r.stop_id,
                f"{r.pupil.last_name} {privacy.mask_first_name(r.pupil.first_name)}"
                + (f" → {r.stop.label}, {r.walk_m} m" if r.stop else ""),
            )
            for r in riders
        ]
        if homes
        else [],
        draggable=homes and selectors.can_change(request.user),
    )
    counts = {s.pk: 0 for s in stops}
    for r in riders:
        if r.stop_id in counts:
            counts[r.stop_id] += 1
    return render(
        request,
        "transport/stops_map.html",
        {
            "district": d,
            "schools": schools,
            "school": school,
            "stops": [(n, s, counts[s.pk]) for n, s in enumerate(stops, start=1)],
            # a stop made for one child stands at its home: about 1 km for the other roles
            "places": 5 if homes else 2,
            "without": sum(1 for r in riders if r.stop_id is None),
            "svg": svg,
            "can_change": selectors.can_change(request.user),
        },
    )
