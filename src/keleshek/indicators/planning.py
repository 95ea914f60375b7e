"""Capacity planning as pure functions (no Django): a birth-cohort forecast of pupils and the
deficit of places year by year with and without the construction pipeline.

Forecast (cohort-progression, the method regional planners use):
- grade 1 of year ``Y+k`` = the cohort aged 6 in ``Y+k`` (aged ``6-k`` in the base year) × the
  base-year entry ratio (grade-1 pupils / population aged 6); grade 0 likewise from age 5;
- grade ``g ≥ 2`` of ``Y+k`` = grade ``g-1`` of ``Y+k-1`` × the progression ratio
  (from last year's grades when known, otherwise 1);
- the total may change by at most ``bound`` (±5 % by default, the Ministry's rule) per year:
  beyond that the grades are scaled back to the bound.

Deficit (the one rule, ``institutions.capacity.places_short``: pupils over the places in
two-shift education, ADR 0162): every school keeps its design capacity; its pupils follow its
settlement's forecast growth. A project in service takes, up to its places in two-shift
education, the overflow of the schools it relieves (all schools of its settlement when it names
none); what it cannot take stays a deficit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from keleshek.institutions.capacity import GROWTH_BOUND, places_short, places_two_shift

GRADES = range(0, 12)


def forecast_grades(
    grades: Mapping[int, float],
    ages: Mapping[int, float],
    *,
    horizon: int = 5,
    bound: float = GROWTH_BOUND,
    previous_grades: Mapping[int, float] | None = None,
) -> list[dict[int, float]]:
    """Pupils by grade for the base year (index 0) and ``horizon`` years after it."""
    base = {g: float(grades.get(g, 0.0)) for g in GRADES}
    out = [base]

    def entry(grade: int, age: int) -> float:
        pop = ages.get(age, 0.0)
        return base[grade] / pop if pop else 1.0

    r0, r1 = entry(0, 5), entry(1, 6)
    progression: dict[int, float] = {}
    for g in GRADES:
        if g < 2:
            continue
        prev = (previous_grades or {}).get(g - 1, 0.0)
        ratio = base[g] / prev if prev and base[g] else 1.0
        progression[g] = min(1.2, max(0.8, ratio))
    for k in range(1, horizon + 1):
        last = out[-1]
        cur: dict[int, float] = {}
        age6, age5 = 6 - k, 5 - k
        cur[0] = ages[age5] * r0 if age5 >= 0 and age5 in ages else last[0]
        cur[1] = ages[age6] * r1 if age6 >= 0 and age6 in ages else last[1]
        for g in GRADES:
            if g >= 2:
                cur[g] = last[g - 1] * progression[g]
        total, last_total = sum(cur.values()), sum(last.values())
        if last_total > 0 and total > 0:
            lo, hi = last_total * (1 - bound), last_total * (1 + bound)
            clamped = min(hi, max(lo, total))
            if clamped != total:
                scale = clamped / total
                cur = {g: v * scale for g, v in cur.items()}
        out.append(cur)
    return out


@dataclass(frozen=True)
class School:
    id: int
    name: str
    settlement: int
    capacity: float
    pupils: float


@dataclass(frozen=True)
class PlannedProject:
    id: str
    name: str
    settlement: int
    places: float
    year: int | None  # first school year in service; None = not built
    relieves: tuple[int, ...] = ()
    institution: int | None = None
    name_lang: str = ""  # the language of ``name`` when it is a fallback (core.names)


@dataclass
class YearPlan:
    year: int
    pupils: float
    capacity: float
    deficit_without: float
    deficit_with: float
    places_added: float


@dataclass
class PlanResult:
    years: list[YearPlan]
    absorbed: dict[str, dict[int, float]] = field(default_factory=dict)  # project -> year -> n
    relieved: dict[str, list[int]] = field(default_factory=dict)  # project -> school ids


def plan_deficit(
    schools: Sequence[School],
    growth: Mapping[int, Sequence[float]],
    projects: Sequence[PlannedProject],
    years: Sequence[int],
) -> PlanResult:
    """Deficit of places per year (``years[0]`` is the base year, growth index 0 = 1.0)."""
    result = PlanResult(years=[])
    by_settlement: dict[int, list[School]] = {}
    for s in schools:
        by_settlement.setdefault(s.settlement, []).append(s)
    ordered = sorted((p for p in projects if p.year is not None), key=lambda p: (p.year or 0, p.id))
    for p in projects:
        targets = list(p.relieves) or [s.id for s in by_settlement.get(p.settlement, [])]
        if p.institution is not None and p.institution not in targets:
            targets.insert(0, p.institution)
        result.relieved[p.id] = targets
        result.absorbed[p.id] = {}
    for k, year in enumerate(years):
        overflow: dict[int, float] = {}
        pupils_total = capacity_total = 0.0
        for s in schools:
            g = growth.get(s.settlement) or ()
            factor = g[k] if k < len(g) else (g[-1] if g else 1.0)
            pupils = s.pupils * factor
            pupils_total += pupils
            capacity_total += s.capacity
            overflow[s.id] = places_short(pupils, s.capacity)
        without = sum(overflow.values())
        added = 0.0
        for p in ordered:
            if p.year is None or p.year > year:
                continue
            added += p.places
            pool = places_two_shift(p.places)  # a new school seats its places in each shift
            targets = sorted(result.relieved[p.id], key=lambda sid: -overflow.get(sid, 0.0))
            taken = 0.0
            for sid in targets:
                if pool <= 0:
                    break
                take = min(pool, overflow.get(sid, 0.0))
                if take > 0:
                    overflow[sid] -= take
                    pool -= take
                    taken += take
            result.absorbed[p.id][year] = taken
        result.years.append(
            YearPlan(
                year=year,
                pupils=pupils_total,
                capacity=capacity_total + added,
                deficit_without=without,
                deficit_with=sum(overflow.values()),
                places_added=added,
            )
        )
    return result


def growth_factors(forecast: Sequence[Mapping[int, float]]) -> list[float]:
    """Total pupils of each forecast year relative to the base year."""
    base = sum(forecast[0].values()) if forecast else 0.0
    if not base:
        return [1.0] * len(forecast)
    return [sum(f.values()) / base for f in forecast]
