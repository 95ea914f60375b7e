"""Routes drawn over the settlements' coordinates as inline SVG (no JavaScript, no tiles)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from django.utils.translation import gettext as _

from .models import Route

COLOURS = ["#0b4f8a", "#b5432b", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037", "#ad1457"]


# A stop made for one child stands at the child's home (ADR 0132): to a role that may not read
# home coordinates, places are drawn on a grid of this many degrees (about 1.1 km north-south,
# 0.7 km east-west at 50° N); stops in one cell become one dot (ADR 0173).
GRID_DEG = 0.01


def coarse(value: float, grid: float = GRID_DEG) -> float:
    """A coordinate snapped to the centre of its grid cell."""
    return (math.floor(value / grid) + 0.5) * grid


def plan_svg(
    routes: Sequence[Route],
    width: int = 720,
    height: int = 520,
    *,
    precise: bool = True,
    title_id: str = "routes-title",
) -> str:
    """The routes over the stops' coordinates; ``precise=False`` draws every place at its grid
    cell (``coarse``) and each cell once per route. ``title_id`` names the chart's title: two
    charts in one page or document need two (an id is unique, and ``aria-labelledby`` would
    read the first chart's title for both)."""

    def at(v: Mapping[str, Any]) -> tuple[float, float]:
        x, y = float(v["x"]), float(v["y"])
        return (x, y) if precise else (coarse(x), coarse(y))

    points = [
        at(v)
        for r in routes
        for t in r.trips
        for v in [*t["visits"], *t.get("drops", []), {"x": t["x"], "y": t["y"]}]
    ]
    if not points:
        return ""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    span = max(x1 - x0, y1 - y0, 1e-6)
    pad = 20

    def px(x: float, y: float) -> tuple[float, float]:
        return (
            pad + (x - x0) / span * (width - 2 * pad),
            height - pad - (y - y0) / span * (height - 2 * pad),
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{title_id}" class="chart">',
        f'<title id="{title_id}">{escape(_("Routes: stops in order to the school"))}</title>',
        f'<rect width="{width}" height="{height}" fill="#fafafa" stroke="#ccc"/>',
    ]
    schools: dict[str, tuple[float, float, str]] = {}
    for i, r in enumerate(routes):
        colour = COLOURS[i % len(COLOURS)]
        for t in r.trips:
            drops = t.get("drops", [])  # a shared trip's first school (ADR 0066)
            pts = [px(*at(v)) for v in [*t["visits"], *drops, t]]
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in _dedup(pts))
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2">'
                f"<title>{escape(str(r.number))}: {escape(t['school_name'])}</title></polyline>"
            )
            for x, y in dict.fromkeys(pts[: len(t["visits"])]):
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
            for d, (x, y) in zip([*drops, t], pts[len(t["visits"]) :], strict=True):
                schools[d["school"]] = (x, y, d["school_name"])
    for x, y, name in schools.values():
        parts.append(
            f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="#000">'
            f"<title>{escape(name)}</title></rect>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _dedup(pts: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Consecutive equal points once (a coarse route does not stay in one cell)."""
    return [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]


def walks_svg(
    stops: Sequence[tuple[int, str, float, float]],
    homes: Sequence[tuple[float, float, int | None, str]],
    width: int = 720,
    height: int = 520,
    *,
    draggable: bool = False,
) -> str:
    """Who walks where: stops (numbered squares) and the riders' homes (dots), each home joined
    to its stop by a line; homes without a stop in reach in red. ``stops``: (pk, label, lon,
    lat); ``homes``: (lon, lat, stop pk or None, title). ``draggable``: each stop carries its
    key and the drawing its projection (``data-*``), for the coordinator's script that moves a
    stop by dragging it (ADR 0174)."""
    points = [(x, y) for _pk, _l, x, y in stops] + [(x, y) for x, y, _s, _t in homes]
    if not points:
        return ""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, y0 = min(xs), min(ys)
    span = max(max(xs) - x0, max(ys) - y0, 1e-4)
    pad = 20

    def px(x: float, y: float) -> tuple[float, float]:
        return (
            pad + (x - x0) / span * (width - 2 * pad),
            height - pad - (y - y0) / span * (height - 2 * pad),
        )

    where = {pk: px(x, y) for pk, _l, x, y in stops}
    projection = (
        f' id="walks-map" data-x0="{x0!r}" data-y0="{y0!r}" data-span="{span!r}" data-pad="{pad}"'
        if draggable
        else ""
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="walks-title" class="chart"{projection}>',
        f'<title id="walks-title">{escape(_("Who walks to which stop"))}</title>',
        f'<rect width="{width}" height="{height}" fill="#fafafa" stroke="#ccc"/>',
    ]
    for x, y, stop, title in homes:
        hx, hy = px(x, y)
        if stop in where:
            sx, sy = where[stop]
            parts.append(
                f'<line x1="{hx:.1f}" y1="{hy:.1f}" x2="{sx:.1f}" y2="{sy:.1f}" '
                f'stroke="#8aa" stroke-width="1"/>'
            )
        colour = "#0b4f8a" if stop in where else "#b5432b"
        parts.append(
            f'<circle cx="{hx:.1f}" cy="{hy:.1f}" r="2.5" fill="{colour}">'
            f"<title>{escape(title)}</title></circle>"
        )
    for n, (pk, label, _x, _y) in enumerate(stops, start=1):
        sx, sy = where[pk]
        key = f' data-stop="{pk}" class="stop-handle"' if draggable else ""
        parts.append(
            f'<rect x="{sx - 6:.1f}" y="{sy - 6:.1f}" width="12" height="12" fill="#000"{key}>'
            f"<title>{n}. {escape(label)}</title></rect>"
            f'<text x="{sx + 8:.1f}" y="{sy + 4:.1f}" font-size="11">{n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def route_png(
    routes: Sequence[Route], width: int = 960, height: int = 640, *, precise: bool = True
) -> bytes:
    """The routes as ``plan_svg`` draws them (same projection and colours), as a PNG for
    documents that cannot place SVG (the scheme's DOCX, ADR 0176): each trip's line, its stops
    numbered in their order (as in the trip's table), the schools as black squares. Pillow only,
    no fonts beyond Pillow's own (the numbers are digits). ``precise=False``: on the grid of
    ``coarse``, as ``plan_svg``."""
    from PIL import Image, ImageDraw, ImageFont

    def at(v: Mapping[str, Any]) -> tuple[float, float]:
        x, y = float(v["x"]), float(v["y"])
        return (x, y) if precise else (coarse(x), coarse(y))

    points = [
        at(v)
        for r in routes
        for t in r.trips
        for v in [*t["visits"], *t.get("drops", []), {"x": t["x"], "y": t["y"]}]
    ]
    img = Image.new("RGB", (width, height), "#fafafa")
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, width - 1, height - 1], outline="#cccccc")
    if not points:
        return _png(img)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, y0 = min(xs), min(ys)
    span = max(max(xs) - x0, max(ys) - y0, 1e-6)
    pad = 30

    def px(v: Mapping[str, Any]) -> tuple[float, float]:
        x, y = at(v)
        return (
            pad + (x - x0) / span * (width - 2 * pad),
            height - pad - (y - y0) / span * (height - 2 * pad),
        )

    font = ImageFont.load_default(size=max(12, height // 45))
    schools: dict[str, tuple[float, float]] = {}
    for i, r in enumerate(routes):
        colour = COLOURS[i % len(COLOURS)]
        for t in r.trips:
            drops = t.get("drops", [])
            pts = [px(v) for v in [*t["visits"], *drops, t]]
            draw.line(pts, fill=colour, width=3, joint="curve")
            for n, (x, y) in enumerate(pts[: len(t["visits"])], start=1):
                draw.ellipse([x - 5, y - 5, x + 5, y + 5], fill=colour)
                draw.text((x + 8, y - 20), str(n), fill="#000000", font=font)
            for d, xy in zip([*drops, t], pts[len(t["visits"]) :], strict=True):
                schools[str(d["school"])] = xy
    for x, y in schools.values():
        draw.rectangle([x - 7, y - 7, x + 7, y + 7], fill="#000000")
    return _png(img)


def _png(img: Any) -> bytes:
    import io

    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()
