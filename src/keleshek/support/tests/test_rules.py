"""The rule language: validation, bulk evaluation, explanations in words."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import translation

from keleshek.support import rules


def facts(**cols: object) -> rules.Facts:
    n = len(cols.get("grade", [0]))  # type: ignore[arg-type]
    base: dict[str, object] = {
        "pupil_ids": np.arange(1, n + 1, dtype=np.int64),
        "grade": np.zeros(n, dtype=np.int16),
        "category_bits": np.zeros(n, dtype=np.int32),
        "settlement_id": np.ones(n, dtype=np.int64),
        "distance_km": np.full(n, np.nan),
        "school_in_settlement": np.ones(n, dtype=bool),
        "as_of": dt.date(2025, 10, 1),
        "territory_paths": {1: "/630000000/631000000/631010001/", 2: "/630000000/634000000/"},
        "territory_names": {"631000000": "Ust-Kamenogorsk"},
    }
    for k, v in cols.items():
        base[k] = np.asarray(v, dtype=base[k].dtype) if isinstance(base[k], np.ndarray) else v  # type: ignore[union-attr]
    return rules.Facts(**base)  # type: ignore[arg-type]


MEALS = {"any": [{"grade_between": [1, 4]}, {"category_in": ["asp", "below_subsistence"]}]}


def test_meals_rule_in_bulk_and_in_words() -> None:
    asp = rules.CATEGORY_BITS["asp"]
    f = facts(grade=[3, 7, 7, 0], category_bits=[0, asp, rules.CATEGORY_BITS["orphan"], 0])
    assert rules.evaluate(MEALS, f).tolist() == [True, True, False, False]
    with translation.override("en"):
        e = rules.explain(MEALS, f, 0)
        assert e.ok is True
        assert e.children[0].text == "grade 3 is within 1–4"
        e2 = rules.explain(MEALS, f, 2)
        assert e2.ok is False
        assert e2.text == "none of these holds"
        assert e2.children[0].text == "grade 7 is not within 1–4"
        assert e2.children[1].text.startswith("has none of the categories")


def test_explanations_are_translated() -> None:
    f = facts(grade=[3])
    with translation.override("ru"):
        ru = rules.explain({"grade_between": [1, 4]}, f, 0).text
    with translation.override("kk"):
        kk = rules.explain({"grade_between": [1, 4]}, f, 0).text
    with translation.override("en"):
        en = rules.explain({"grade_between": [1, 4]}, f, 0).text
    assert en == "grade 3 is within 1–4"
    assert ru != en
    assert kk != en
    assert ru != kk
    assert "3" in ru
    assert "1–4" in kk


def test_transport_distance_and_missing_school() -> None:
    rule = {"any": [{"distance_over_km": "setting"}, {"no_school_in_settlement": True}]}
    f = facts(
        grade=[5, 5, 5, 5],
        distance_km=[4.2, 2.0, np.nan, 1.0],
        school_in_settlement=[True, True, True, False],
    )
    f.threshold_km = 3.0
    assert rules.evaluate(rule, f).tolist() == [True, False, False, True]
    with translation.override("en"):
        assert rules.explain(rule, f, 0).children[0].text == (
            "distance to school 4.2 km is over 3 km"
        )
        assert "unknown" in rules.explain(rule, f, 2).children[0].text
        assert rules.explain(rule, f, 3).children[1].text == (
            "the home settlement has no school teaching grade 5"
        )


def test_territory_and_not() -> None:
    f = facts(grade=[1, 1], settlement_id=[1, 2])
    rule = {"within_territory": "631000000"}
    assert rules.evaluate(rule, f).tolist() == [True, False]
    assert rules.evaluate({"not": rule}, f).tolist() == [False, True]
    with translation.override("en"):
        assert rules.explain(rule, f, 0).text == "lives in Ust-Kamenogorsk"


def test_bulk_and_explanation_agree_on_random_facts() -> None:
    rng = np.random.default_rng(1)
    n = 500
    f = facts(
        grade=rng.integers(0, 12, n),
        category_bits=rng.integers(0, 128, n),
        distance_km=rng.uniform(0, 8, n),
        school_in_settlement=rng.random(n) > 0.2,
        settlement_id=rng.integers(1, 3, n),
    )
    rule = {
        "all": [
            {"not": {"grade_between": [10, 11]}},
            {
                "any": [
                    MEALS,
                    {"distance_over_km": 3},
                    {"within_territory": "631000000"},
                    {"no_school_in_settlement": True},
                ]
            },
        ]
    }
    mask = rules.evaluate(rule, f)
    assert [rules.explain(rule, f, i).ok for i in range(n)] == mask.tolist()


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"grade_between": [4, 1]},
        {"grade_between": [0, 12]},
        {"category_in": ["rich"]},
        {"all": []},
        {"within_territory": "63"},
        {"distance_over_km": -1},
        {"frobnicate": True},
        {"all": [{"always": True}], "any": []},
    ],
)
def test_malformed_rules_are_rejected(bad: dict) -> None:
    with pytest.raises(rules.RuleError):
        rules.validate(bad)
