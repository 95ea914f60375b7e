"""PDF (opens, searchable, Cyrillic and Kazakh letters, charts, a page that is not blank) and
the ministry's XLSX pack (one sheet per family, totals that add up)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from keleshek.reports import render, selectors, services

pytestmark = [pytest.mark.django_db, pytest.mark.demo]  # reads the demo region

POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(
    not POPPLER, reason="poppler-utils missing: run scripts/install_report_tools.sh"
)
KAZAKH_LETTERS = "әғқңөұүһі"


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def ink_share(png_or_pgm: Path) -> float:
    """Share of pixels darker than near-white in a binary PGM (P5) page image."""
    data = png_or_pgm.read_bytes()
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P5"
    width, height, pixels = int(parts[1]), int(parts[2]), parts[4]
    dark = sum(1 for b in pixels[: width * height] if b < 200)
    return dark / (width * height)


@needs_poppler
def test_pdf_is_searchable_renders_kazakh_and_pages_are_not_blank(
    demo_year: int, tmp_path: Path
) -> None:
    ru = tmp_path / "ru.pdf"
    ru.write_bytes(services.export_briefing(year=demo_year, lang="ru", fmt="pdf").content)
    assert ru.read_bytes().startswith(b"%PDF")
    text = " ".join(pdf_text(ru).split())
    assert "семь современных школ на три тысячи мест" in text
    assert "почти 4 млн юаней" in text
    # the annex carries the tables
    assert "Приложение: таблицы" in text
    assert "Иностранные студенты по странам" in text

    kk = tmp_path / "kk.pdf"
    kk.write_bytes(services.export_briefing(year=demo_year, lang="kk", fmt="pdf").content)
    kk_text = pdf_text(kk)
    # every Kazakh letter that the generated text uses comes out of the PDF as text
    source = services.export_briefing(year=demo_year, lang="kk", fmt="text").content.decode()
    used = {ch for ch in KAZAKH_LETTERS if ch in source}
    assert used >= set("әғқңөұүі")
    for ch in used:
        assert ch in kk_text, ch

    # pages as images: the first page (text) and a chart page carry ink
    subprocess.run(["pdftoppm", "-gray", "-r", "30", str(kk), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.pgm"))
    assert len(pages) >= 2
    assert ink_share(pages[0]) > 0.01
    assert max(ink_share(p) for p in pages[1:]) > 0.01


@needs_poppler
def test_the_pdf_font_has_every_kazakh_letter(demo_year: int, tmp_path: Path) -> None:
    """ә ғ қ ң ө ұ ү һ і, upper and lower case, survive the PDF pipeline (font and text layer)."""
    facts = selectors.briefing_facts(year=demo_year, compare=False)
    context = render.build_context(facts, "kk", links=False)
    letters = KAZAKH_LETTERS + KAZAKH_LETTERS.upper()
    context["title"] = f"Әріптер: {letters}"
    path = tmp_path / "letters.pdf"
    path.write_bytes(render.render_pdf(context))
    text = pdf_text(path)
    for ch in letters:
        assert ch in text, ch
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "DejaVu" in fonts


def test_html_embeds_the_charts_and_links_every_figure(demo_year: int) -> None:
    facts = selectors.briefing_facts(year=demo_year)
    context = render.build_context(facts, "ru", links=True)
    assert {c["key"] for c in context["charts"]} == {"places", "deficit", "support", "students"}
    html = render.render_document(context)
    assert html.count('src="data:image/svg+xml;base64,') == 4
    figures = [seg for s in context["sections"] for p in s["paragraphs"] for seg in p if seg["fig"]]
    assert len(figures) >= 20
    assert all(seg["url"].startswith("/ru/reports/trace/") for seg in figures)


def test_xlsx_pack_has_a_sheet_per_family_and_totals_add_up(demo_year: int) -> None:
    content = services.export_briefing(year=demo_year, lang="ru", fmt="xlsx").content
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == [
        "Сводка",
        "Строительство",
        "Мощность и дефицит",
        "Соцподдержка",
        "ТиПО",
        "Иностранные студенты",
    ]
    for name in wb.sheetnames[1:]:
        ws = wb[name]
        rows = list(ws.iter_rows(values_only=True))
        header, body, total = rows[0], rows[1:-1], rows[-1]
        assert total[1] == "Итого"
        # international students are all in the regional centre on the demo: one row there
        assert len(body) >= (1 if name == "Иностранные студенты" else 2), name
        for col in range(2, len(header)):
            assert sum(r[col] or 0 for r in body) == total[col], (name, header[col])
    # the totals are the briefing's figures
    construction = list(wb["Строительство"].iter_rows(values_only=True))
    head, total = construction[0], construction[-1]
    assert total[head.index("«Келешек мектебі»: школ")] == 7
    assert total[head.index("«Келешек мектебі»: мест")] == 3000
    assert total[head.index("Местный бюджет: школ")] == 3
    assert total[head.index("Местный бюджет: мест")] == 300
    students = list(wb["Иностранные студенты"].iter_rows(values_only=True))
    assert sum(students[-1][2:]) == 400
    assert len(students[0]) - 2 == 8


@needs_poppler
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_no_page_of_the_pdf_ends_with_a_heading(demo_year: int, lang: str, tmp_path: Path) -> None:
    """A section's heading goes over to the next page with its first paragraph or table."""
    import html
    import re

    page = services.export_briefing(year=demo_year, lang=lang, fmt="html").content.decode()
    headings = {
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", h)).split())
        for h in re.findall(r"(?s)<h[12][^>]*>(.*?)</h[12]>", page)
    }
    assert len(headings) > 3
    pdf = tmp_path / f"{lang}.pdf"
    pdf.write_bytes(services.export_briefing(year=demo_year, lang=lang, fmt="pdf").content)
    pages = pdf_text(pdf).split("\f")
    assert len(pages) > 2
    for number, text in enumerate(pages[:-1], start=1):
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        # the page number sits in the footer: the last line of text before it
        body = [line for line in lines if not line.isdigit()]
        assert body, number
        assert body[-1] not in headings, f"page {number} ends with the heading {body[-1]!r}"
