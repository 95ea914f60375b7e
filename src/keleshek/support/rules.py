"""The eligibility rule language: rules are data (JSON on ``Programme.rule``), evaluated in bulk
over columns of pupil facts, and explained in words for one child.

A rule is one node::

    {"all": [node, ...]}                       every child node holds
    {"any": [node, ...]}                       at least one holds
    {"not": node}                              the node does not hold
    {"always": true}                           everyone (a universal programme)
    {"grade_between": [1, 4]}                  grade within the bounds, inclusive
    {"category_in": ["asp", "orphan"]}         a category valid on the evaluation date
    {"within_territory": "631010000"}          home settlement inside the KATO unit
    {"distance_over_km": 3.0}                  estimated road distance home -> school over N km
    {"distance_over_km": "setting"}            ... over KELESHEK["RURAL_TRANSPORT_THRESHOLD_KM"]
    {"no_school_in_settlement": true}          no operating school teaching the pupil's grade
                                               in the home settlement
    {"rural": true}                            the home settlement is rural

This module has no ORM access: ``selectors.pupil_facts`` loads the columns once, and both the
bulk mask (``evaluate``) and the explanation (``explain``) read the same facts, so what a page
says and what coverage counts can never disagree.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from .models import CategoryCode

CATEGORY_BITS: dict[str, int] = {code: 1 << i for i, code in enumerate(CategoryCode.values)}
OPERATORS = (
    "all",
    "any",
    "not",
    "always",
    "grade_between",
    "category_in",
    "within_territory",
    "distance_over_km",
    "no_school_in_settlement",
    "rural",
)


class RuleError(ValueError):
    """A rule that is not well formed; the message says where."""


@dataclass
class Facts:
    """Columns of facts about N pupils (index i = one pupil), as of one date.

    ``territory_paths`` maps a settlement id to its KATO path; ``threshold_km`` is the setting
    used by ``{"distance_over_km": "setting"}``.
    """

    pupil_ids: npt.NDArray[np.int64]
    grade: npt.NDArray[np.int16]
    category_bits: npt.NDArray[np.int32]  # categories valid on ``as_of``, one bit each
    settlement_id: npt.NDArray[np.int64]
    distance_km: npt.NDArray[np.float64]  # NaN when a coordinate is missing
    school_in_settlement: npt.NDArray[np.bool_]  # a school teaching the grade exists at home
    as_of: dt.date
    rural: npt.NDArray[np.bool_] | None = None  # home settlement is rural; None = all rural
    territory_paths: Mapping[int, str] = field(default_factory=dict)
    territory_names: Mapping[str, str] = field(default_factory=dict)  # KATO -> display name
    threshold_km: float = 3.0

    def __len__(self) -> int:
        return int(self.pupil_ids.shape[0])

    def index_of(self, pupil_id: int) -> int:
        hits = np.nonzero(self.pupil_ids == pupil_id)[0]
        if not len(hits):
            raise KeyError(pupil_id)
        return int(hits[0])


def validate(rule: Any) -> None:
    """Raise RuleError unless ``rule`` is a well-formed node."""
    if not isinstance(rule, dict) or len(rule) != 1:
        raise RuleError("a rule node is an object with exactly one operator")
    ((op, arg),) = rule.items()
    if op not in OPERATORS:
        raise RuleError(f"unknown operator {op!r}")
    if op in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            raise RuleError(f"{op!r} takes a non-empty list of nodes")
        for child in arg:
            validate(child)
    elif op == "not":
        validate(arg)
    elif op == "always":
        if arg is not True:
            raise RuleError("'always' takes true")
    elif op == "grade_between":
        if (
            not isinstance(arg, list)
            or len(arg) != 2
            or not all(isinstance(x, int) and 0 <= x <= 11 for x in arg)
            or arg[0] > arg[1]
        ):
            raise RuleError("'grade_between' takes [low, high] with 0 <= low <= high <= 11")
    elif op == "category_in":
        if not isinstance(arg, list) or not arg or any(c not in CATEGORY_BITS for c in arg):
            raise RuleError(f"'category_in' takes a list of {sorted(CATEGORY_BITS)}")
    elif op == "within_territory":
        if not (isinstance(arg, str) and len(arg) == 9 and arg.isdigit()):
            raise RuleError("'within_territory' takes a 9-digit KATO code")
    elif op == "distance_over_km":
        if arg != "setting" and not (isinstance(arg, int | float) and arg >= 0):
            raise RuleError("'distance_over_km' takes a number of km or \"setting\"")
    elif op in ("no_school_in_settlement", "rural") and arg is not True:
        raise RuleError(f"{op!r} takes true")


def _threshold(arg: Any, facts: Facts) -> float:
    return float(facts.threshold_km if arg == "setting" else arg)


def _territory_mask(kato: str, facts: Facts) -> npt.NDArray[np.bool_]:
    needle = f"/{kato}/"
    inside = [sid for sid, path in facts.territory_paths.items() if needle in path]
    return np.isin(facts.settlement_id, np.asarray(inside, dtype=np.int64))


def evaluate(rule: Mapping[str, Any], facts: Facts) -> npt.NDArray[np.bool_]:
    """A boolean mask: who qualifies. Vectorised: no per-pupil Python, no per-pupil SQL."""
    ((op, arg),) = rule.items()
    n = len(facts)
    if op == "all":
        mask = np.ones(n, dtype=bool)
        for child in arg:
            mask &= evaluate(child, facts)
        return mask
    if op == "any":
        mask = np.zeros(n, dtype=bool)
        for child in arg:
            mask |= evaluate(child, facts)
        return mask
    if op == "not":
        return ~evaluate(arg, facts)
    if op == "always":
        return np.ones(n, dtype=bool)
    if op == "grade_between":
        return (facts.grade >= arg[0]) & (facts.grade <= arg[1])
    if op == "category_in":
        bits = 0
        for code in arg:
            bits |= CATEGORY_BITS[code]
        return (facts.category_bits & bits) != 0
    if op == "within_territory":
        return _territory_mask(arg, facts)
    if op == "distance_over_km":
        with np.errstate(invalid="ignore"):
            return np.nan_to_num(facts.distance_km, nan=-1.0) > _threshold(arg, facts)
    if op == "no_school_in_settlement":
        return ~facts.school_in_settlement
    if op == "rural":
        return np.ones(n, dtype=bool) if facts.rural is None else facts.rural.copy()
    raise RuleError(f"unknown operator {op!r}")


@dataclass(frozen=True)
class Explanation:
    ok: bool
    text: str
    children: tuple[Explanation, ...] = ()

    def rows(self, depth: int = 0) -> list[tuple[int, bool, str]]:
        """The tree flattened for a page: (depth, holds, text), the page indents by depth."""
        out = [(depth, self.ok, self.text)]
        for c in self.children:
            out.extend(c.rows(depth + 1))
        return out

    def lines(self, depth: int = 0) -> list[str]:
        out = ["  " * depth + ("✓ " if self.ok else "✗ ") + self.text]
        for c in self.children:
            out.extend(c.lines(depth + 1))
        return out


def _category_label(code: str) -> str:
    return str(CategoryCode(code).label)


def explain(rule: Mapping[str, Any], facts: Facts, i: int) -> Explanation:
    """Why pupil ``i`` (a row of ``facts``) qualifies or not, in the active language."""
    ((op, arg),) = rule.items()
    if op in ("all", "any"):
        kids = tuple(explain(child, facts, i) for child in arg)
        if op == "all":
            ok = all(k.ok for k in kids)
            text = _("all of these hold") if ok else _("not all of these hold")
        else:
            ok = any(k.ok for k in kids)
            text = _("at least one of these holds") if ok else _("none of these holds")
        return Explanation(ok, text, kids)
    if op == "not":
        inner = explain(arg, facts, i)
        return Explanation(not inner.ok, _("the opposite of the following"), (inner,))
    if op == "always":
        return Explanation(True, _("every pupil qualifies"))
    if op == "grade_between":
        g = int(facts.grade[i])
        params = {"g": g, "a": arg[0], "b": arg[1]}
        if arg[0] <= g <= arg[1]:
            return Explanation(True, _("grade %(g)s is within %(a)s–%(b)s") % params)
        return Explanation(False, _("grade %(g)s is not within %(a)s–%(b)s") % params)
    if op == "category_in":
        bits = int(facts.category_bits[i])
        have = [c for c in arg if bits & CATEGORY_BITS[c]]
        day = date_format(facts.as_of, "SHORT_DATE_FORMAT")
        if have:
            return Explanation(
                True,
                _("has the category “%(c)s”, valid on %(d)s")
                % {"c": "; ".join(_category_label(c) for c in have), "d": day},
            )
        return Explanation(
            False,
            _("has none of the categories “%(c)s” valid on %(d)s")
            % {"c": "; ".join(_category_label(c) for c in arg), "d": day},
        )
    if op == "within_territory":
        name = facts.territory_names.get(arg, arg)
        path = facts.territory_paths.get(int(facts.settlement_id[i]), "")
        if f"/{arg}/" in path:
            return Explanation(True, _("lives in %(t)s") % {"t": name})
        return Explanation(False, _("does not live in %(t)s") % {"t": name})
    if op == "distance_over_km":
        limit = _threshold(arg, facts)
        d = float(facts.distance_km[i])
        if math.isnan(d):
            return Explanation(
                False, _("distance to school unknown (home or school coordinates missing)")
            )
        params = {"d": number_format(round(d, 1), decimal_pos=1), "t": number_format(f"{limit:g}")}
        if d > limit:
            return Explanation(True, _("distance to school %(d)s km is over %(t)s km") % params)
        return Explanation(False, _("distance to school %(d)s km is not over %(t)s km") % params)
    if op == "no_school_in_settlement":
        g = int(facts.grade[i])
        if facts.school_in_settlement[i]:
            return Explanation(
                False, _("the home settlement has a school teaching grade %(g)s") % {"g": g}
            )
        return Explanation(
            True, _("the home settlement has no school teaching grade %(g)s") % {"g": g}
        )
    if op == "rural":
        if facts.rural is None or facts.rural[i]:
            return Explanation(True, _("lives in a rural settlement"))
        return Explanation(False, _("lives in a town, not a rural settlement"))
    raise RuleError(f"unknown operator {op!r}")


def describe(rule: Mapping[str, Any], names: Mapping[str, str] | None = None) -> str:
    """The rule itself in words (for the programme page and the audit summary)."""
    names = names or {}
    ((op, arg),) = rule.items()
    if op in ("all", "any"):
        joiner = _(" and ") if op == "all" else _(" or ")
        return "(" + joiner.join(describe(c, names) for c in arg) + ")"
    if op == "not":
        return _("not %(x)s") % {"x": describe(arg, names)}
    if op == "always":
        return _("every pupil")
    if op == "grade_between":
        return _("grade %(a)s–%(b)s") % {"a": arg[0], "b": arg[1]}
    if op == "category_in":
        return _("category: %(c)s") % {"c": ", ".join(_category_label(c) for c in arg)}
    if op == "within_territory":
        return _("lives in %(t)s") % {"t": names.get(arg, arg)}
    if op == "distance_over_km":
        return (
            _("distance to school over the threshold (a setting)")
            if arg == "setting"
            else _("distance to school over %(t)s km") % {"t": arg}
        )
    if op == "no_school_in_settlement":
        return _("no school of the pupil's level in the home settlement")
    if op == "rural":
        return _("lives in a rural settlement")
    return str(op)


def haversine_km(
    lat1: npt.NDArray[np.float64],
    lon1: npt.NDArray[np.float64],
    lat2: npt.NDArray[np.float64],
    lon2: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    r = 6371.0088
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dl = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * r * np.arcsin(np.sqrt(a)), dtype=np.float64)


def explain_dated(rule: Mapping[str, Any], facts: Facts, i: int) -> Explanation:
    """The explanation with the date eligibility is judged on as its first line, so that
    every explanation states it (1 October of the school year; ADR 0150)."""
    inner = explain(rule, facts, i)
    return Explanation(
        inner.ok,
        _("eligibility judged on %(d)s (1 October of the school year)")
        % {"d": facts.as_of.strftime("%d.%m.%Y")},
        (inner,),
    )


def referenced_categories(rule: Mapping[str, Any]) -> Sequence[str]:
    ((op, arg),) = rule.items()
    if op in ("all", "any"):
        return [k for c in arg for k in referenced_categories(c)]
    if op == "not":
        return referenced_categories(arg)
    if op == "category_in":
        return list(arg)
    return []


def referenced_territories(rule: Mapping[str, Any]) -> Sequence[str]:
    ((op, arg),) = rule.items()
    if op in ("all", "any"):
        return [k for c in arg for k in referenced_territories(c)]
    if op == "not":
        return referenced_territories(arg)
    if op == "within_territory":
        return [arg]
    return []
