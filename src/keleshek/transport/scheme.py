"""The transport scheme document (issue 18 point 4): the akimat's "scheme and order of
transporting pupils" for a district and school year, in Russian or Kazakh, as PDF (WeasyPrint)
and DOCX (python-docx): per route its map, stops with times, distance, the vehicle and its
seats, the driver and the escort; and the resolution that approved it, from the register."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _

from keleshek.core import audit
from keleshek.territory.models import Territory

from . import wording
from .charts import plan_svg, route_png
from .models import Plan, SchemeApproval
from .services.days import current_plan


def scheme_data(
    district: Territory, year: int, plan: Plan | None = None, *, precise: bool = True
) -> dict[str, Any]:
    """What the document says, in the active language. ``precise=False`` (a reader who may not
    read home coordinates, ADR 0173): stops to 2 decimals, maps on the 1 km grid."""
    plan = plan or current_plan(district)
    approval = SchemeApproval.objects.filter(territory=district, year=year).first()
    routes = list(plan.routes.select_related("vehicle__driver", "vehicle__escort")) if plan else []
    names = wording.route_names(routes)
    keys = {str(v["stop"]) for r in routes for t in (*r.trips, *r.afternoon) for v in t["visits"]}
    labels = wording.stop_labels(keys, 5 if precise else 2)
    sheets = []
    for r in routes:
        trips = wording.relabel(r.trips, labels)
        sheets.append(
            {
                "route": r,
                "name": names[r.number],
                "trips": trips,
                "afternoon": wording.relabel(r.afternoon, labels),
                "svg": plan_svg(
                    [r], width=480, height=320, precise=precise, title_id=f"route-{r.number}-title"
                ),
                "pupils": sum(t["load"] for t in r.trips),
            }
        )
    data = {
        "district": district,
        "year": year,
        "years": f"{year}–{year + 1}",
        "plan": plan,
        "approval": approval,
        "sheets": sheets,
        "made": dt.date.today(),
    }
    data["title"] = _title(data)
    data["approval_line"] = _approval_line(data)
    for sheet in sheets:
        sheet["lines"] = _route_lines(sheet)
    return data


def scheme_html(district: Territory, year: int, lang: str, *, precise: bool = True) -> str:
    """The PDF's source (the stored document's fingerprint, ``transport.documents``); stops at
    full precision only for the roles that read homes (ADR 0173)."""
    with translation.override(lang):
        data = scheme_data(district, year, precise=precise)
        return render_to_string("transport/scheme_doc.html", {**data, "lang": lang})


def scheme_pdf(district: Territory, year: int, lang: str, *, precise: bool = True) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=scheme_html(district, year, lang, precise=precise)).write_pdf())


def scheme_docx(district: Territory, year: int, lang: str, *, precise: bool = True) -> bytes:
    """The same document as DOCX, for the akimat's office to edit and sign: each route with
    its map (a PNG drawn with Pillow, as python-docx cannot place SVG; ADR 0176), stops, times
    and crew."""
    from docx import Document
    from docx.shared import Cm, Pt

    with translation.override(lang):
        data = scheme_data(district, year, precise=precise)
        doc = Document()
        style = doc.styles["Normal"]
        style.font.name = "DejaVu Sans"
        style.font.size = Pt(10)
        doc.add_heading(_title(data), level=0)
        doc.add_paragraph(_approval_line(data))
        for sheet in data["sheets"]:
            doc.add_heading(sheet["name"], level=1)
            if sheet["route"].trips:
                png = route_png([sheet["route"]], precise=precise)
                doc.add_picture(io.BytesIO(png), width=Cm(16))
                doc.add_paragraph(
                    _("Scheme of the route: stops numbered in their order, the school in black.")
                )
            for line in _route_lines(sheet):
                doc.add_paragraph(line)
            for trip in sheet["trips"]:
                doc.add_paragraph(
                    _("%(school)s — arrival %(time)s")
                    % {"school": trip["school_name"], "time": trip["arrival"]}
                )
                table = doc.add_table(rows=1, cols=4)
                table.style = "Table Grid"
                for cell, text in zip(
                    table.rows[0].cells,
                    ["№", _("stop"), _("arrival"), _("boarding")],
                    strict=True,
                ):
                    cell.text = text
                for n, v in enumerate(trip["visits"], start=1):
                    row = table.add_row().cells
                    row[0].text, row[1].text = str(n), v["label"]
                    row[2].text, row[3].text = v["arrival"], str(v["boarded"])
        out = io.BytesIO()
        doc.save(out)
    return out.getvalue()


def _title(data: dict[str, Any]) -> str:
    return _("Scheme and order of transporting pupils: %(district)s, school year %(years)s") % {
        "district": data["district"].name,
        "years": data["years"],
    }


def _approval_line(data: dict[str, Any]) -> str:
    a = data["approval"]
    if a is None:
        return _("Not yet approved: no resolution is recorded for this school year.")
    return _("Approved by %(body)s, resolution No. %(number)s of %(date)s.") % {
        "body": a.body or _("the district akimat"),
        "number": a.number,
        "date": formats.date_format(a.date, "SHORT_DATE_FORMAT"),
    }


def _route_lines(sheet: dict[str, Any]) -> list[str]:
    r = sheet["route"]
    v = r.vehicle
    lines = [
        _("Distance: %(km)s km in the morning, %(pm)s km in the afternoon")
        % {
            "km": formats.number_format(r.distance_km, 1),
            "pm": formats.number_format(r.afternoon_km, 1),
        },
        _("Pupils: %(n)s") % {"n": sheet["pupils"]},
    ]
    if v is not None:
        lines.append(
            _("Vehicle: %(model)s %(plate)s, %(seats)s seats")
            % {"model": v.model_name, "plate": v.plate, "seats": v.capacity}
        )
        lines.append(_("Driver: %(name)s") % {"name": v.driver.full_name if v.driver else "—"})
        lines.append(_("Escort: %(name)s") % {"name": v.escort.full_name if v.escort else "—"})
    return lines


def approval_problems(number: str, date: dt.date | None, year: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not number.strip():
        errors["number"] = _("give the resolution's number")
    if date is None:
        errors["date"] = _("give the resolution's date")
    if year is None or not 2000 <= year <= 2100:
        errors["year"] = _("give the school year, e.g. 2026 for 2026–2027")
    return errors


@transaction.atomic
def approval_record(
    district: Territory, *, year: int | None, number: str, date: dt.date | None, body: str = ""
) -> SchemeApproval:
    """Register the resolution approving the district's scheme for a school year (the
    current plan is the one approved)."""
    errors = approval_problems(number, date, year)
    if errors:
        raise ValidationError(errors)
    assert year is not None
    assert date is not None
    approval = SchemeApproval.objects.create(
        territory=district,
        year=year,
        number=number.strip()[:40],
        date=date,
        body=body.strip()[:200],
        plan=current_plan(district),
    )
    audit.record("create", approval, summary=f"transport scheme approval {number} of {date}")
    return approval
