"""Eligible, enrolled and served: the three numbers of a support programme, defined once
(ADR 0146). The home page, the coverage pages and the API, the dashboards (through the
indicators' ``support`` source) and the briefing all count through this module.

For a programme and a school year, over a set of pupils:

* **eligible** — the children whom the programme's rule makes eligible on the year's date
  (1 October, ``selectors.as_of_for``), evaluated on the registry — not the memberships
  somebody recorded;
* **enrolled** — the eligible children with an *enrolled* membership of the programme for the
  year (a child enrolled at two schools counts once; draft, paused, exited, not eligible and
  duplicated memberships do not count);
* **served** — the enrolled children with at least one delivery on an enrolled membership of
  the year;
* **coverage** — served / eligible × 100 (DOMAIN.md, section 5).

A child is counted at the school of the registry (``Pupil.school``), so territory figures add
up over schools. Enrolled and served are never above eligible: a membership of a child the rule
does not reach is a case for the coverage page's review, not a recipient of the programme.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, QuerySet

from . import rules
from .models import Membership, MembershipState, Programme, Pupil


@dataclass(frozen=True)
class Counts:
    """The three numbers for one group of children."""

    eligible: int = 0
    enrolled: int = 0
    served: int = 0

    @property
    def coverage(self) -> float | None:
        """Served / eligible × 100, one decimal; None without eligible children."""
        return round(100.0 * self.served / self.eligible, 1) if self.eligible else None

    @property
    def enrolment(self) -> float | None:
        return round(100.0 * self.enrolled / self.eligible, 1) if self.eligible else None

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.eligible + other.eligible,
            self.enrolled + other.enrolled,
            self.served + other.served,
        )


@dataclass(frozen=True)
class Flags:
    """Per pupil (aligned with ``facts.pupil_ids``, ordered by id): eligible, enrolled and
    served as defined above, and the state of the child's membership (for the reasons a child
    is not covered)."""

    facts: rules.Facts
    eligible: np.ndarray
    enrolled: np.ndarray  # enrolled and eligible
    served: np.ndarray  # served and eligible
    member: np.ndarray  # an enrolled membership, eligible or not
    state_of: dict[int, str]

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.eligible, self.enrolled, self.served

    def counts(self, mask: np.ndarray | None = None) -> Counts:
        e, en, s = self.eligible, self.enrolled, self.served
        if mask is not None:
            e, en, s = e & mask, en & mask, s & mask
        return Counts(int(e.sum()), int(en.sum()), int(s.sum()))


def on_roll(pupils: QuerySet[Pupil], *, year: int) -> QuerySet[Pupil]:
    """The pupils a school year counts: those still on roll on the day its eligibility is
    judged on (``selectors.on_roll_on``)."""
    from .selectors import as_of_for, on_roll_on

    return on_roll_on(pupils, as_of_for(year))


def facts(pupils: QuerySet[Pupil], *, year: int, programmes: Iterable[Programme]) -> rules.Facts:
    """The rule engine's facts for these pupils on the year's date (one load for several
    programmes)."""
    from .selectors import as_of_for, facts_for

    with_rule = [p for p in programmes if p.rule]
    return facts_for(pupils, as_of=as_of_for(year), programmes=with_rule)


def flags(
    programme: Programme,
    *,
    year: int,
    facts: rules.Facts,
    memberships: QuerySet[Membership] | None = None,
) -> Flags:
    """Eligible, enrolled and served for each pupil of ``facts``. ``memberships`` is the
    scoped membership queryset of the reader (all memberships when None)."""
    return flags_of([programme], year=year, facts=facts, memberships=memberships)[programme.pk]


def flags_of(
    programmes: Iterable[Programme],
    *,
    year: int,
    facts: rules.Facts,
    memberships: QuerySet[Membership] | None = None,
) -> dict[int, Flags]:
    """``flags`` for several programmes with one query of the memberships. A programme
    without a rule makes nobody eligible."""
    programmes = list(programmes)
    qs = Membership.objects.all() if memberships is None else memberships
    rows = (
        qs.filter(programme__in=[p.pk for p in programmes], year=year)
        .annotate(n_deliveries=Count("deliveries"))
        .values_list("programme_id", "pupil_id", "state", "n_deliveries")
    )
    state_of: dict[int, dict[int, str]] = {p.pk: {} for p in programmes}
    served_ids: dict[int, set[int]] = {p.pk: set() for p in programmes}
    for prog, pid, state, n_del in rows:
        # A child with memberships at two schools counts once; "enrolled" wins.
        states = state_of[prog]
        if states.get(pid) != MembershipState.ENROLLED:
            states[pid] = state
        if n_del and state == MembershipState.ENROLLED:
            served_ids[prog].add(pid)
    ids = facts.pupil_ids
    out = {}
    for p in programmes:
        states, got_ids = state_of[p.pk], served_ids[p.pk]
        eligible = rules.evaluate(p.rule, facts) if p.rule else np.zeros(len(ids), dtype=bool)
        member = np.fromiter(
            (states.get(int(i)) == MembershipState.ENROLLED for i in ids),
            dtype=bool,
            count=len(ids),
        )
        got = np.fromiter((int(i) in got_ids for i in ids), dtype=bool, count=len(ids))
        out[p.pk] = Flags(facts, eligible, eligible & member, eligible & got, member, states)
    return out


def programmes_of(year: int) -> list[Programme]:
    """The programmes counted for a year: the active ones and any with memberships that year."""
    from django.db.models import Q

    return list(
        Programme.objects.filter(Q(active=True) | Q(memberships__year=year))
        .distinct()
        .select_related("territory")
        .order_by("code")
    )


def by_school(
    year: int, *, settlements: Collection[int] | None = None
) -> dict[tuple[int, int, str], Counts]:
    """(school id, school's settlement id, programme code) -> counts, over the whole registry
    (or the schools of ``settlements``, by id): what the indicators materialise, so every
    territory's figure is the sum of its schools'. A child's flags depend on that child's facts
    only, so a part of the registry counts as it does within the whole."""
    programmes = programmes_of(year)
    if not programmes:
        return {}
    registry = Pupil.objects.all()
    if settlements is not None:
        registry = registry.filter(school__settlement_id__in=sorted(settlements))
    pupils = on_roll(registry, year=year)
    f = facts(pupils, year=year, programmes=programmes)
    where = list(pupils.order_by("id").values_list("school_id", "school__settlement_id"))
    schools = sorted(set(where))
    index = {w: k for k, w in enumerate(schools)}
    at = np.fromiter((index[w] for w in where), dtype=np.int64, count=len(where))
    out: dict[tuple[int, int, str], Counts] = {}
    every = flags_of(programmes, year=year, facts=f)
    for p in programmes:
        fl = every[p.pk]
        e, en, s = (np.bincount(at[m], minlength=len(schools)) for m in fl.columns())
        for k in np.nonzero(e)[0]:
            school, settlement = schools[int(k)]
            out[(school, settlement, p.code)] = Counts(int(e[k]), int(en[k]), int(s[k]))
    return out
