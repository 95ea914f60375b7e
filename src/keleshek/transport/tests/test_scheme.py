"""The transport scheme document (issue 18 point 4): per district and school year, ru and kk,
PDF and DOCX, a map and stops with times per route, vehicle, seats, driver and escort; and the
register of approving resolutions. A small world, no demo."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from docx import Document

from keleshek.institutions.selectors import current_school_year
from keleshek.transport import scheme, services
from keleshek.transport.models import Driver, Escort, Plan, SchemeApproval

from . import factories as tf

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> tf.World:
    w = tf.world()
    tf.riders(w, w.stops["hamlet-north"], 6)
    bus = tf.bus(w, "n-1", home=w.north_school, model_name="ПАЗ-32053", plate="123 ABC 16")
    bus.driver = Driver.objects.create(
        territory=w.district, full_name="Серик Ахметов", licence_categories="D"
    )
    bus.escort = Escort.objects.create(
        territory=w.district, full_name="Айгуль Серикова", order_number="7"
    )
    bus.save()
    plan = Plan.objects.create(
        territory=w.district, name="p", params={"iterations": 40, "max_ride_min": 60}
    )
    services.optimise(plan)
    return w


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML each PDF was drawn from (WeasyPrint stood in for: the layout is not tested)."""
    pages: list[str] = []

    class FakeHTML:
        def __init__(self, string: str) -> None:
            pages.append(string)

        def write_pdf(self) -> bytes:
            return b"%PDF-1.7 fake"

    monkeypatch.setattr("weasyprint.HTML", FakeHTML)
    return pages


def test_the_register_records_the_resolution_and_the_plan_it_approved(w: tf.World) -> None:
    a = scheme.approval_record(
        w.district, year=2026, number="235", date=dt.date(2026, 7, 17), body="Акимат района"
    )
    assert a.plan is not None
    assert a.plan.is_current
    with pytest.raises(Exception, match="number"):
        scheme.approval_record(w.district, year=2026, number=" ", date=None)
    assert SchemeApproval.objects.count() == 1


def test_the_docx_has_every_route_with_its_stops_and_crew(w: tf.World) -> None:
    year = current_school_year()
    scheme.approval_record(w.district, year=year, number="235", date=dt.date(2026, 7, 17))
    for lang, words in {
        "ru": ("Схема и порядок перевозки", "№ 235", "Северная школа, маршрут № 1"),
        "kk": ("Оқушыларды тасымалдау схемасы", "№ 235", "Северная школа, № 1 бағыт"),
    }.items():
        doc = Document(io.BytesIO(scheme.scheme_docx(w.district, year, lang)))
        text = "\n".join(p.text for p in doc.paragraphs)
        cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
        for word in words:
            assert word in text, (lang, word)
        assert "Серик Ахметов" in text
        assert "Айгуль Серикова" in text
        assert "ПАЗ-32053 123 ABC 16" in text
        assert "Хутор, у магазина (50.15000, 82.56000)" in cells


def test_the_pdf_is_made_with_a_map_per_route(
    w: tf.World, client: Any, rendered: list[str]
) -> None:
    client.force_login(w.coordinator)
    url = f"/ru/transport/{w.district.kato}/scheme/file/?lang=kk&format=pdf"
    resp = client.get(url)
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/pdf"
    html = rendered[-1]
    assert "<svg" in html
    assert "Северная школа, № 1 бағыт" in html
    assert "Бекітілмеген" in html  # no resolution recorded yet
    docx = client.get(url.replace("format=pdf", "format=docx"))
    assert docx.status_code == 200
    assert docx["Content-Disposition"].endswith('.docx"')


def test_the_scheme_page_records_a_resolution_and_refuses_a_bad_one(
    w: tf.World, client: Any
) -> None:
    client.force_login(w.coordinator)
    url = f"/ru/transport/{w.district.kato}/scheme/"
    bad = client.post(url, {"year": "2026", "number": "", "date": ""})
    assert bad.status_code == 400
    assert "укажите номер постановления" in bad.content.decode()
    ok = client.post(url, {"year": "2026", "number": "235", "date": "2026-07-17"})
    assert ok.status_code == 302
    page = client.get(url).content.decode()
    assert "235" in page
    assert "17.07.2026" in page


def test_weasyprint_renders_the_scheme(w: tf.World) -> None:
    pdf = scheme.scheme_pdf(w.district, current_school_year(), "kk")
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5_000


def test_the_docx_has_a_map_per_route_as_png(w: tf.World) -> None:
    from PIL import Image

    from keleshek.transport.charts import COLOURS

    plan = Plan.objects.get(is_current=True)
    routes = list(plan.routes.all())
    assert routes
    doc = Document(io.BytesIO(scheme.scheme_docx(w.district, current_school_year(), "kk")))
    assert len(doc.inline_shapes) == len(routes)
    blobs = [
        part.blob
        for rel in doc.part.rels.values()
        if "image" in rel.reltype
        for part in [rel.target_part]
    ]
    assert len(blobs) == len(routes)
    img = Image.open(io.BytesIO(blobs[0])).convert("RGB")
    assert img.size == (960, 640)
    colours = {c for _n, c in img.getcolors(maxcolors=100_000) or []}
    route_colour = tuple(int(COLOURS[0][i : i + 2], 16) for i in (1, 3, 5))
    assert route_colour in colours  # the route's line and stops
    assert (0, 0, 0) in colours  # the school
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Бағыт схемасы" in text


def test_every_route_map_in_the_scheme_has_a_title_of_its_own(
    w: tf.World, client: Any, rendered: list[str]
) -> None:
    """One id per element: a map per route whose titles shared one id made WeasyPrint warn for
    every route and left ``aria-labelledby`` naming the first map's title for all."""
    import re

    tf.riders(w, w.stops["hamlet-south"], 5)
    tf.bus(w, "s-1", home=w.south_school)
    plan = Plan.objects.create(
        territory=w.district, name="two", params={"iterations": 40, "max_ride_min": 60}
    )
    services.optimise(plan)
    assert plan.routes.count() >= 2
    client.force_login(w.coordinator)
    resp = client.get(f"/ru/transport/{w.district.kato}/scheme/file/?lang=ru&format=pdf")
    assert resp.status_code == 200
    ids = re.findall(r'\sid="([^"]+)"', rendered[-1])
    titles = [i for i in ids if i.endswith("-title")]
    assert len(titles) >= 2
    assert len(ids) == len(set(ids))
