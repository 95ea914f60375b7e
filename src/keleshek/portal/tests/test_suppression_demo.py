"""The demo region's public indicators: no small count is published and no published sum has
exactly one hidden cell — along the territory tree and across categories (ADR 0133).

The check is written apart from ``core.suppression``: it reads the materialised values and the
cells ``PublicSuppression`` hides, and counts the hidden cells of each sum itself."""

from __future__ import annotations

from collections import defaultdict

import pytest

pytestmark = pytest.mark.django_db

CODES = (
    "pupils",
    "shift23_pupils",
    "shift3_pupils",
    "support_recipients",
    "tvet_students",
    "graduates_expected",
    "foreign_students",
    "pupils_by_grade",
)


@pytest.mark.demo
def test_no_sum_of_the_demo_indicators_has_a_single_hidden_cell() -> None:
    from keleshek.indicators.models import IndicatorValue
    from keleshek.indicators.selectors import PublicSuppression
    from keleshek.institutions.models import InstitutionYear

    year = InstitutionYear.objects.order_by("-year").values_list("year", flat=True).first()
    assert year is not None
    protection = PublicSuppression()
    checked = hidden_total = sums_total = 0
    for code in CODES:
        hidden = protection.hidden(code, year)
        rows = IndicatorValue.objects.filter(
            indicator__code=code, year=year, institution__isnull=True
        ).values_list("territory__kato", "territory__path", "dimension", "category", "numerator")
        values: dict[tuple[str, str, str], float] = {}
        parent: dict[str, str] = {}
        for kato, path, dim, cat, n in rows:
            values[(kato, dim, cat)] = n
            katos = path.strip("/").split("/")
            if len(katos) > 1:
                parent[kato] = katos[-2]
        for cell, n in values.items():
            if cell not in hidden:
                assert not 0 < n < 5, (code, cell, n)
        groups: dict[tuple[str, str, str], list[tuple[str, str, str]]] = defaultdict(list)
        for kato, dim, cat in values:
            if kato in parent and (parent[kato], dim, cat) in values:
                groups[(parent[kato], dim, cat)].append((kato, dim, cat))
        by_dim: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
        for kato, dim, cat in values:
            if dim:
                by_dim[(kato, dim)].append((kato, dim, cat))
        sums = list(groups.items()) + [((k, "", ""), c) for (k, _d), c in by_dim.items()]
        for total, parts in sums:
            if total not in values:
                continue
            members = [total, *parts]
            alone = [m for m in members if m in hidden]
            assert len(alone) != 1, (code, total, alone)
        checked += len(values)
        hidden_total += len(hidden & set(values))
        sums_total += len(sums)
    print(f"\ncells {checked}, hidden {hidden_total}, sums checked {sums_total}")
    assert checked > 1000
    assert hidden_total > 0
