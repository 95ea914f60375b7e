"""The one chart writer: charts drawn on the server as SVG (ADR 0128).

No JavaScript, no chart library, nothing fetched. Staff dashboards and public pages embed the
SVG inline; the briefing embeds it as an image in its HTML and PDF (``data_uri``). Every chart
has ``role="img"``, a ``<title>`` and a ``<desc>`` listing every value (its text alternative;
the page or the briefing's annex also shows the numbers as a table), a tooltip per mark, colours
with at least 4.5:1 contrast on white, and, where bars are compared, a value axis with gridlines
and a legend. Numbers are written by the caller's ``number`` function (the page's locale by
default) so a chart reads like the text around it.

Kinds: horizontal bars (``bar_chart``), grouped horizontal bars (``grouped_bar_chart``: before
and after, programmes side by side), stacked columns with totals (``stacked_column_chart``),
lines over years (``line_chart``) and a schematic map of settlements (``map_chart``).
"""

from __future__ import annotations

import base64
import contextvars
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Dark enough for text and thin marks on white (each ≥ 4.5:1), distinct in greyscale order.
PALETTE = ("#0b4f8a", "#b35900", "#2e7d32", "#6a1b9a", "#b91c1c", "#00697a")
ALT_COLOUR = PALETTE[1]
TEXT = "#1a1a1a"
GRID = "#d0d7de"
AXIS = "#6e7781"
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
CHAR = 0.64  # average advance of a DejaVu Sans Cyrillic letter, in font sizes (sizes labels)

_ids = count(1)
_document_ids: contextvars.ContextVar[Iterator[int] | None] = contextvars.ContextVar(
    "keleshek_chart_ids", default=None
)


@contextmanager
def numbered_in_document() -> Iterator[None]:
    """Charts drawn inside are numbered from 1: the same figures give the same document
    (the stored documents' fingerprint, ``jobs.documents``), whatever the process drew before."""
    token = _document_ids.set(count(1))
    try:
        yield
    finally:
        _document_ids.reset(token)


def _next_id() -> int:
    return next(_document_ids.get() or _ids)


Number = Callable[[float | None, int], str]


def fmt(v: float | None, decimals: int = 0) -> str:
    """Digits grouped by a narrow no-break space, a point before decimals; — for nothing."""
    if v is None:
        return "—"
    if decimals == 0:
        return f"{round(v):,}".replace(",", "\u202f")
    return f"{v:,.{decimals}f}".replace(",", "\u202f")


def local_number(v: float | None, decimals: int = 0) -> str:
    """Digits as the active language writes them (grouping and decimal sign)."""
    if v is None:
        return "—"
    # Django's number_format cuts extra decimals off; round first (92.46 -> "92,5", not "92,4")
    return str(number_format(round(v, decimals), decimal_pos=decimals, force_grouping=True))


def data_uri(svg: str) -> str:
    """The SVG as an image address, for ``<img src>`` in the briefing's HTML and PDF."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def nice_max(v: float) -> float:
    """The round number at or above ``v`` an axis ends at (1, 2, 2.5 or 5 times a power of 10)."""
    if v <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * exp + 1e-9 * exp:
            return m * exp
    return 10 * exp


def scale(peak: float, fixed: float | None = None) -> tuple[float, float]:
    """An axis for values up to ``peak``: its end and a round step (1, 2, 2.5 or 5 times a
    power of 10), at most five steps; ``fixed`` sets the end (100 for percentages)."""
    top = fixed if fixed else max(peak, 0.0)
    if top <= 0:
        return 1.0, 0.2
    raw = top / 5
    exp = 10 ** math.floor(math.log10(raw))
    step = next(m * exp for m in (1, 2, 2.5, 5, 10) if raw <= m * exp * (1 + 1e-9))
    return (fixed or step * math.ceil(top / step - 1e-9)), step


def _ticks(vmax: float, step: float) -> list[float]:
    return [step * i for i in range(round(vmax / step) + 1)]


def _short(label: str, chars: int) -> str:
    return label if len(label) <= chars else label[: max(1, chars - 1)] + "…"


def _text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR


class _Svg:
    """An SVG document being written: the header with its accessible name and description."""

    def __init__(self, width: float, height: float, title: str, desc: str) -> None:
        n = _next_id()
        self.parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="100%" role="img" aria-labelledby="chart{n}-t chart{n}-d" class="chart" '
            f'preserveAspectRatio="xMinYMin meet" font-family="{FONT}">'
            f'<title id="chart{n}-t">{escape(title)}</title>'
            f'<desc id="chart{n}-d">{escape(desc or "—")}</desc>'
        ]

    def add(self, *parts: str) -> None:
        self.parts.extend(parts)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = 12,
        anchor: str = "start",
        colour: str = TEXT,
        weight: str = "",
    ) -> None:
        bold = f' font-weight="{weight}"' if weight else ""
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}" '
            f'fill="{colour}"{bold}>{escape(text)}</text>'
        )

    def done(self) -> SafeString:
        self.parts.append("</svg>")
        return mark_safe("".join(self.parts))  # noqa: S308 - every text above is escaped


def _legend(svg: _Svg, names: Sequence[str], colours: Sequence[str], x: float, y: float) -> None:
    """One row of swatches and names from ``x``; wraps at 640 units."""
    cx, cy = x, y
    for name, colour in zip(names, colours, strict=True):
        w = 16 + _text_width(name, 11) + 18
        if cx + w > 640 and cx > x:
            cx, cy = x, cy + 18
        svg.add(f'<rect x="{cx:.1f}" y="{cy - 9:.1f}" width="11" height="11" fill="{colour}"/>')
        svg.text(cx + 16, cy, name, size=11)
        cx += w


def _value_axis(
    svg: _Svg,
    x0: float,
    x1: float,
    y0: float,
    y1: float,
    axis: tuple[float, float],
    number: Number,
    d: int,
) -> None:
    """Vertical gridlines and their values under a horizontal value scale."""
    vmax, step = axis
    for t in _ticks(vmax, step):
        x = x0 + (x1 - x0) * t / vmax
        svg.add(f'<line x1="{x:.1f}" y1="{y0:.1f}" x2="{x:.1f}" y2="{y1:.1f}" stroke="{GRID}"/>')
        svg.text(x, y1 + 14, number(t, d if t % 1 else 0), size=10, anchor="middle", colour=AXIS)


def bar_chart(
    items: Sequence[tuple[str, float | None]],
    *,
    title: str,
    description: str = "",
    decimals: int = 0,
    colour: str = PALETTE[0],
    width: int = 640,
    bar_height: int = 22,
    label_width: int | None = None,
    number: Number = local_number,
) -> SafeString:
    """Horizontal bars, one per (label, value), the value written at the end of each bar."""
    rows = list(items)
    gap, top = 8, 6
    longest = max((len(label) for label, _v in rows), default=0)
    lw = label_width or int(min(width * 0.42, max(80, _text_width("x" * longest, 13) + 12)))
    chars = int((lw - 6) / (13 * CHAR))
    height = top + max(1, len(rows)) * (bar_height + gap)
    vmax = nice_max(max((v or 0 for _l, v in rows), default=0))
    desc = description or "; ".join(f"{label}: {number(v, decimals)}" for label, v in rows)
    svg = _Svg(width, height, title, desc)
    plot = width - lw - 80
    for i, (label, v) in enumerate(rows):
        y = top + i * (bar_height + gap)
        w = 0.0 if not v or v < 0 else max(1.0, plot * v / vmax)
        value = number(v, decimals)
        svg.add(f"<g><title>{escape(label)}: {escape(value)}</title>")
        svg.text(lw - 6, y + bar_height * 0.7, _short(label, chars), size=13, anchor="end")
        svg.add(f'<rect x="{lw}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{colour}"/>')
        svg.text(lw + w + 6, y + bar_height * 0.7, value, size=13)
        svg.add("</g>")
    return svg.done()


def grouped_bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    decimals: int = 0,
    axis_max: float | None = None,
    width: int = 640,
    number: Number = local_number,
    values_on_bars: bool = True,
) -> SafeString:
    """Horizontal bars grouped by category, one bar per series (a legend names them), over a
    value axis with gridlines; ``axis_max`` fixes the scale (100 for percentages)."""
    cats = list(categories)
    n = max(1, len(series))
    bar, inner, gap, top = 14.0, 2.0, 12.0, 8.0
    group = n * bar + (n - 1) * inner
    longest = max((len(c) for c in cats), default=0)
    lw = int(min(width * 0.4, max(80, _text_width("x" * longest, 12) + 12)))
    chars = int((lw - 6) / (12 * CHAR))
    plot_h = max(1, len(cats)) * (group + gap)
    height = top + plot_h + 24 + 22 * math.ceil(n / 3)
    peak = max((v for _name, vs in series for v in vs), default=0)
    axis = scale(peak, axis_max)
    vmax = axis[0]
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(series))]
    desc = "; ".join(
        f"{c}: " + ", ".join(f"{name} {number(vs[i], decimals)}" for name, vs in series)
        for i, c in enumerate(cats)
    )
    svg = _Svg(width, height, title, desc)
    x0, x1 = lw, width - 60
    _value_axis(svg, x0, x1, top - 2, top + plot_h, axis, number, decimals)
    for i, cat in enumerate(cats):
        gy = top + i * (group + gap)
        svg.text(lw - 6, gy + group / 2 + 4, _short(cat, chars), size=12, anchor="end")
        for k, (name, vs) in enumerate(series):
            v = vs[i]
            y = gy + k * (bar + inner)
            w = 0.0 if not v or v < 0 else max(1.0, (x1 - x0) * min(v, vmax) / vmax)
            value = number(v, decimals)
            svg.add(
                f"<g><title>{escape(cat)} — {escape(name)}: {escape(value)}</title>"
                f'<rect x="{x0}" y="{y:.1f}" width="{w:.1f}" height="{bar}" '
                f'fill="{colours[k]}"/>'
            )
            if values_on_bars:
                svg.text(x0 + w + 4, y + bar * 0.8, value, size=10)
            svg.add("</g>")
    svg.add(f'<line x1="{x0}" y1="{top - 2}" x2="{x0}" y2="{top + plot_h:.1f}" stroke="{AXIS}"/>')
    _legend(svg, [name for name, _vs in series], colours, lw, top + plot_h + 40)
    return svg.done()


def stacked_column_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    decimals: int = 0,
    width: int = 640,
    height: int = 300,
    number: Number = local_number,
) -> SafeString:
    """Vertical columns, one per category, stacked by series, each with its total on top;
    a value axis with gridlines on the left and a legend below."""
    cats = list(categories)
    totals = [sum(vs[i] for _name, vs in series) for i in range(len(cats))]
    vmax, step = scale(max(totals, default=0))
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(series))]
    rows_of_legend = math.ceil(max(1, len(series)) / 3)
    left, top, bottom = 56.0, 22.0, 28.0 + 20 * rows_of_legend
    y0, y1 = top, height - bottom - 6
    plot_w = width - left - 12
    slot = plot_w / max(1, len(cats))
    col = min(64.0, slot * 0.6)
    desc = "; ".join(
        f"{c}: "
        + ", ".join(f"{name} {number(vs[i], decimals)}" for name, vs in series if vs[i])
        + f" ({number(totals[i], decimals)})"
        for i, c in enumerate(cats)
    )
    svg = _Svg(width, height, title, desc)
    for t in _ticks(vmax, step):
        y = y1 - (y1 - y0) * t / vmax
        svg.add(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}"/>'
        )
        svg.text(left - 6, y + 4, number(t, 0), size=10, anchor="end", colour=AXIS)
    for i, cat in enumerate(cats):
        cx = left + slot * i + (slot - col) / 2
        base = y1
        for k, (name, vs) in enumerate(series):
            v = vs[i]
            if not v or v <= 0:
                continue
            h = (y1 - y0) * v / vmax
            svg.add(
                f"<g><title>{escape(cat)} — {escape(name)}: {escape(number(v, decimals))}"
                f'</title><rect x="{cx:.1f}" y="{base - h:.1f}" width="{col:.1f}" '
                f'height="{h:.1f}" fill="{colours[k]}"/></g>'
            )
            base -= h
        svg.text(cx + col / 2, base - 5, number(totals[i], decimals), size=11, anchor="middle")
        svg.text(cx + col / 2, y1 + 16, cat, size=11, anchor="middle")
    svg.add(
        f'<line x1="{left}" y1="{y1:.1f}" x2="{left + plot_w:.1f}" y2="{y1:.1f}" stroke="{AXIS}"/>'
    )
    _legend(svg, [name for name, _vs in series], colours, left, y1 + 40)
    return svg.done()


def line_chart(
    series: dict[str, dict[int, float]],
    *,
    title: str,
    decimals: int = 0,
    number: Number = local_number,
) -> SafeString:
    """Lines over years: ``{series label: {year: value}}``, each line named at its end."""
    years = sorted({y for s in series.values() for y in s})
    width, height, left, bottom, top = 640, 260, 64, 30, 20
    values = [v for s in series.values() for v in s.values()]
    vmax = nice_max(max(values, default=0))
    vmin = min(0.0, min(values, default=0))
    desc = "; ".join(
        f"{name}: " + ", ".join(f"{y} {number(v, decimals)}" for y, v in sorted(s.items()))
        for name, s in series.items()
    )
    svg = _Svg(width, height, title, desc)
    plot_w, plot_h = width - left - 130, height - bottom - top

    def xy(year: int, v: float) -> tuple[float, float]:
        x = left + plot_w * (years.index(year) / max(1, len(years) - 1))
        y = top + plot_h * (1 - (v - vmin) / ((vmax - vmin) or 1))
        return x, y

    for t in (vmin, (vmin + vmax) / 2, vmax):
        _x, y = xy(years[0], t) if years else (left, top)
        svg.add(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        svg.text(left - 4, y + 4, number(t, decimals), size=11, anchor="end", colour=AXIS)
    svg.add(
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{AXIS}"/>'
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="{AXIS}"/>'
    )
    for y in years:
        x, _ = xy(y, vmin)
        svg.text(x, height - 8, str(y), size=11, anchor="middle")
    for i, (name, s) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        pts = [(y, v, *xy(y, v)) for y, v in sorted(s.items())]
        if not pts:
            continue
        path = " ".join(f"{px:.1f},{py:.1f}" for _y, _v, px, py in pts)
        dash = ' stroke-dasharray="6 4"' if i % 2 else ""
        svg.add(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for year, v, px, py in pts:
            svg.add(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(name)}, {year}: {escape(number(v, decimals))}</title></circle>"
            )
        lx, ly = pts[-1][2], pts[-1][3]
        svg.text(lx + 6, ly + 4, _short(name, 22), size=11, colour=colour)
    return svg.done()


@dataclass
class Point:
    label: str
    lat: float
    lon: float
    value: float | None
    href: str = ""


def _heat(v: float | None, vmax: float) -> str:
    if v is None:
        return "#bbbbbb"
    t = 0.0 if vmax <= 0 else min(1.0, max(0.0, v / vmax))
    # light yellow (low) to dark red (high): readable on white, never the only cue
    r = int(253 - t * (253 - 153))
    g = int(224 - t * (224 - 27))
    b = int(139 - t * (139 - 27))
    return f"#{r:02x}{g:02x}{b:02x}"


def map_chart(
    points: Sequence[Point], *, title: str, decimals: int = 0, number: Number = local_number
) -> SafeString:
    """A schematic map: settlements placed by longitude/latitude, circle colour and size by
    value. Not a geographic map (no basemap is fetched)."""
    width, height, pad = 640, 420, 30
    pts = list(points)
    desc = "; ".join(f"{p.label}: {number(p.value, decimals)}" for p in pts)
    svg = _Svg(width, height, title, desc)
    svg.add(f'<rect width="{width}" height="{height}" fill="#f6f8fa"/>')
    if pts:
        lat0, lat1 = min(p.lat for p in pts), max(p.lat for p in pts)
        lon0, lon1 = min(p.lon for p in pts), max(p.lon for p in pts)
        vmax = max((p.value or 0 for p in pts), default=0)
        for p in sorted(pts, key=lambda q: q.value or 0):
            x = pad + (width - 2 * pad) * ((p.lon - lon0) / ((lon1 - lon0) or 1))
            y = pad + (height - 2 * pad) * (1 - (p.lat - lat0) / ((lat1 - lat0) or 1))
            r = 4 + (10 * math.sqrt((p.value or 0) / vmax) if vmax > 0 else 0)
            circle = (
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{_heat(p.value, vmax)}" '
                f'stroke="#333" stroke-width="0.7"><title>{escape(p.label)}: '
                f"{escape(number(p.value, decimals))}</title></circle>"
            )
            if p.href:
                circle = f'<a href="{escape(p.href)}">{circle}</a>'
            svg.add(circle)
    return svg.done()
