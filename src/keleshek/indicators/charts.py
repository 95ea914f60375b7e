"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, nothing fetched.

Every chart carries ``role="img"``, a ``<title>`` and a ``<desc>`` (the text alternative); the
page shows the same numbers as a table beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_ids = count(1)
PALETTE = ("#0b4f8a", "#c2410c", "#15803d", "#7c3aed", "#b91c1c", "#0e7490")


def fmt(v: float | None, decimals: int = 0) -> str:
    if v is None:
        return "—"
    if decimals == 0:
        return f"{round(v):,}".replace(",", "\u202f")
    return f"{v:,.{decimals}f}".replace(",", "\u202f")


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * exp:
            return m * exp
    return 10 * exp


def _open(width: int, height: int, title: str, desc: str) -> tuple[str, str]:
    n = next(_ids)
    tid, did = f"chart-t{n}", f"chart-d{n}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{tid} {did}" class="chart">'
        f'<title id="{tid}">{escape(title)}</title><desc id="{did}">{escape(desc)}</desc>'
    )
    return head, "</svg>"


def bar_chart(
    items: Sequence[tuple[str, float | None]], *, title: str, decimals: int = 0
) -> SafeString:
    """Horizontal bars, one per item (label, value)."""
    rows = [(label, v) for label, v in items]
    width, bar_h, gap, label_w = 640, 22, 6, 220
    height = max(1, len(rows)) * (bar_h + gap) + 10
    vmax = _nice_max(max((v or 0 for _l, v in rows), default=0))
    desc = "; ".join(f"{label}: {fmt(v, decimals)}" for label, v in rows) or "—"
    head, tail = _open(width, height, title, desc)
    parts = [head]
    plot_w = width - label_w - 80
    for i, (label, v) in enumerate(rows):
        y = 5 + i * (bar_h + gap)
        w = 0 if not v or v < 0 else plot_w * v / vmax
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" '
            f'font-size="12">{escape(label[:34])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[0]}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h * 0.7:.1f}" font-size="12">'
            f"{fmt(v, decimals)}</text>"
        )
    parts.append(tail)
    return mark_safe("".join(parts))  # noqa: S308  # every text node above is escaped


def line_chart(series: dict[str, dict[int, float]], *, title: str, decimals: int = 0) -> SafeString:
    """Lines over years: ``{series label: {year: value}}``."""
    years = sorted({y for s in series.values() for y in s})
    width, height, left, bottom, top = 640, 260, 60, 30, 20
    values = [v for s in series.values() for v in s.values()]
    vmax = _nice_max(max(values, default=0))
    vmin = min(0.0, min(values, default=0))
    desc = "; ".join(
        f"{name}: " + ", ".join(f"{y} {fmt(v, decimals)}" for y, v in sorted(s.items()))
        for name, s in series.items()
    )
    head, tail = _open(width, height, title, desc or "—")
    parts = [head]
    plot_w, plot_h = width - left - 120, height - bottom - top

    def xy(year: int, v: float) -> tuple[float, float]:
        x = left + (plot_w * (years.index(year) / max(1, len(years) - 1)))
        y = top + plot_h * (1 - (v - vmin) / ((vmax - vmin) or 1))
        return x, y

    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="#888"/><line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" '
        f'stroke="#888"/><text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="11">'
        f"{fmt(vmax, decimals)}</text>"
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="11">'
        f"{fmt(vmin, decimals)}</text>"
    )
    for y in years:
        x, _ = xy(y, vmin)
        parts.append(
            f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" font-size="11">{y}</text>'
        )
    for i, (name, s) in enumerate(series.items()):
        color = PALETTE[i % len(PALETTE)]
        pts = [xy(y, v) for y, v in sorted(s.items())]
        if not pts:
            continue
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
        dash = ' stroke-dasharray="6 4"' if i % 2 else ""
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"{dash}/>'
        )
        for px, py in pts:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{color}"/>')
        lx, ly = pts[-1]
        parts.append(
            f'<text x="{lx + 6:.1f}" y="{ly + 4:.1f}" font-size="11" fill="{color}">'
            f"{escape(name[:18])}</text>"
        )
    parts.append(tail)
    return mark_safe("".join(parts))  # noqa: S308  # every text node above is escaped


@dataclass
class Point:
    label: str
    lat: float
    lon: float
    value: float | None
    href: str = ""


def _colour(v: float | None, vmax: float) -> str:
    if v is None:
        return "#bbbbbb"
    t = 0.0 if vmax <= 0 else min(1.0, max(0.0, v / vmax))
    # light yellow (low) to dark red (high): readable on white, never the only cue
    r = int(253 - t * (253 - 153))
    g = int(224 - t * (224 - 27))
    b = int(139 - t * (139 - 27))
    return f"#{r:02x}{g:02x}{b:02x}"


def map_chart(points: Sequence[Point], *, title: str, decimals: int = 0) -> SafeString:
    """A schematic map: settlements placed by longitude/latitude, circle colour and size by
    value. Not a geographic map (no basemap is fetched)."""
    width, height, pad = 640, 420, 30
    pts = list(points)
    desc = "; ".join(f"{p.label}: {fmt(p.value, decimals)}" for p in pts) or "—"
    head, tail = _open(width, height, title, desc)
    parts = [head, f'<rect width="{width}" height="{height}" fill="#f6f8fa"/>']
    if pts:
        lat0, lat1 = min(p.lat for p in pts), max(p.lat for p in pts)
        lon0, lon1 = min(p.lon for p in pts), max(p.lon for p in pts)
        vmax = max((p.value or 0 for p in pts), default=0)
        for p in sorted(pts, key=lambda q: q.value or 0):
            x = pad + (width - 2 * pad) * ((p.lon - lon0) / ((lon1 - lon0) or 1))
            y = pad + (height - 2 * pad) * (1 - (p.lat - lat0) / ((lat1 - lat0) or 1))
            r = 4 + (10 * math.sqrt((p.value or 0) / vmax) if vmax > 0 else 0)
            circle = (
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{_colour(p.value, vmax)}" '
                f'stroke="#333" stroke-width="0.7"><title>{escape(p.label)}: '
                f"{fmt(p.value, decimals)}</title></circle>"
            )
            if p.href:
                circle = f'<a href="{escape(p.href)}">{circle}</a>'
            parts.append(circle)
    parts.append(tail)
    return mark_safe("".join(parts))  # noqa: S308  # every text node above is escaped
