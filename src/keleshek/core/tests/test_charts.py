"""The one chart writer (ADR 0129): every kind is well-formed SVG with an accessible name, a
description that lists every value, escaped labels, and a scale that ends on a round number."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from keleshek.core import charts

NS = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script> & "Шемонаихинский район"'


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.find(f"{NS}title") is not None
    return root


def _desc(root: ET.Element) -> str:
    desc = root.find(f"{NS}desc")
    assert desc is not None
    return desc.text or ""


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def test_bar_chart_writes_every_value_and_escapes_labels() -> None:
    svg = charts.bar_chart([(EVIL, 1234.0), ("Б", None)], title="T <1>", number=charts.fmt)
    root = _parse(svg)
    assert "<script>" not in svg
    assert EVIL in _desc(root)
    assert "1\u202f234" in _texts(root)
    assert len(list(root.iter(f"{NS}rect"))) == 2


def test_grouped_bars_have_a_legend_and_a_fixed_percent_axis() -> None:
    svg = charts.grouped_bar_chart(
        ["A", EVIL],
        [("before", [40.0, 100.0]), ("after", [20.0, 0.0])],
        title="t",
        axis_max=100,
        number=charts.fmt,
    )
    root = _parse(svg)
    texts = _texts(root)
    assert {"before", "after"} <= set(texts)  # the legend
    assert [t for t in texts if t in {"0", "20", "40", "60", "80", "100"}][:6] == [
        "0",
        "20",
        "40",
        "60",
        "80",
        "100",
    ]
    assert "A: before 40, after 20" in _desc(root)


def test_stacked_columns_carry_their_totals() -> None:
    svg = charts.stacked_column_chart(
        ["2024/25", "2025/26"],
        [("state", [300.0, 3000.0]), ("local", [0.0, 300.0])],
        title="t",
        number=charts.fmt,
    )
    texts = _texts(_parse(svg))
    assert "3\u202f300" in texts
    assert "300" in texts
    assert {"2024/25", "2025/26", "state", "local"} <= set(texts)


def test_line_and_map() -> None:
    _parse(charts.line_chart({"x": {2024: 1.0, 2025: 2.5}}, title="t", decimals=1))
    _parse(charts.line_chart({}, title="empty"))
    root = _parse(
        charts.map_chart(
            [
                charts.Point(EVIL, 50.0, 82.0, 3.0, href="/x?a=1&b=2"),
                charts.Point("b", 49, 83, None),
            ],
            title="t",
        )
    )
    assert EVIL in _desc(root)


@pytest.mark.parametrize(
    ("peak", "fixed", "axis"),
    [
        (5683, None, (6000, 2000)),
        (96, None, (100, 20)),
        (3300, None, (4000, 1000)),
        (0, None, (1.0, 0.2)),
        (37, 100, (100, 20)),
        (12.5, None, (12.5, 2.5)),
    ],
)
def test_scale_ends_on_a_round_number(peak: float, fixed: float | None, axis: tuple) -> None:
    assert charts.scale(peak, fixed) == axis


def test_the_product_has_one_chart_writer() -> None:
    root = Path(charts.__file__).parents[1]
    writers = sorted(
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "tests" not in p.parts and "<svg" in p.read_text(encoding="utf-8")
    )
    # the route map draws roads over coordinates, not a chart of figures
    assert writers == ["core/charts.py", "transport/charts.py"]
    assert not any(p.name == "charts.py" for p in (root / "indicators", root / "portal"))
