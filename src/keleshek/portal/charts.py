"""Charts drawn on the server as inline SVG: no JavaScript, nothing fetched.

Every chart has a title and a description for assistive technology; the page also shows the
same numbers as a table (the text alternative).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_ids = count(1)
BAR_COLOUR = "#0b4f8a"  # 8.6:1 against white
ALT_COLOUR = "#b35900"  # 4.6:1 against white
TEXT = "#1a1a1a"


def _fmt(value: float) -> str:
    return number_format(value, decimal_pos=0, force_grouping=True)


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    description: str = "",
    width: int = 640,
    bar_height: int = 22,
    label_width: int = 240,
    colour: str = BAR_COLOUR,
) -> SafeString:
    """A horizontal bar chart with the value printed at the end of each bar."""
    n = next(_ids)
    gap = 8
    top = 6
    height = top + max(1, len(rows)) * (bar_height + gap)
    peak = max((v for _, v in rows), default=0) or 1
    plot = width - label_width - 80
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-labelledby="chart{n}-t chart{n}-d" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">',
        f'<title id="chart{n}-t">{escape(title)}</title>',
        f'<desc id="chart{n}-d">{escape(description or _describe(rows))}</desc>',
    ]
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_height + gap)
        w = max(1.0, plot * value / peak) if value else 0
        short = label if len(label) <= 28 else label[:27] + "…"
        parts.append(
            f"<g><title>{escape(label)}: {escape(_fmt(value))}</title>"
            f'<text x="{label_width - 6}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" '
            f'font-size="13" fill="{TEXT}">{escape(short)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_height}" '
            f'fill="{colour}"></rect>'
            f'<text x="{label_width + w + 6:.1f}" y="{y + bar_height * 0.7:.1f}" '
            f'font-size="13" fill="{TEXT}">{escape(_fmt(value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _describe(rows: Sequence[tuple[str, float]]) -> str:
    return "; ".join(f"{label}: {_fmt(value)}" for label, value in rows)
