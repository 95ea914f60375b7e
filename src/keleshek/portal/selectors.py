"""Reads of the public portal.

The headline figures are computed here from the registries until the indicators app exposes
materialised values (``keleshek.indicators.selectors``); the portal then reads those instead.
Everything here is public: no personal data, counts of people under the suppression
threshold are hidden by the open-data functions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from keleshek.construction.models import FundingSource, Project
from keleshek.core.countries import country_name
from keleshek.institutions.capacity import places_short
from keleshek.institutions.models import Institution, InstitutionYear, Language
from keleshek.institutions.selectors import published_school_counts
from keleshek.news.models import Article
from keleshek.partnerships.models import Agreement, InternationalStudents
from keleshek.partnerships.selectors import published_international
from keleshek.programmes.models import Industry, Offering, Specialty
from keleshek.territory.models import Territory
from keleshek.territory.selectors import oblast_kato

from . import kazakh, translit, trigram
from .lexicon import lexicon
from .models import SearchTerm, SearchVocabulary
from .search import MIN_PREFIX, is_cyrillic, is_latin, query_words, word_terms

CATALOGUE_KINDS = (
    Institution.Kind.COLLEGE,
    Institution.Kind.UNIVERSITY,
    Institution.Kind.COMPETENCE_CENTRE,
    Institution.Kind.WORKSHOP,
    Institution.Kind.ENGINEERING_CENTRE,
)
PAGE_SIZE = 20


def lang() -> str:
    code = (get_language() or "ru")[:2]
    return code if code in Language.values else "ru"


# --- programme catalogue -------------------------------------------------------------------


@dataclass
class CatalogueFilters:
    q: str = ""
    year: int | None = None
    level: int | None = None
    industry: str = ""
    language: str = ""
    city: str = ""  # KATO of the institution's settlement
    dual: bool = False
    state_funded: bool = False
    new: bool = False

    @property
    def active(self) -> bool:
        return bool(
            self.q
            or self.level
            or self.industry
            or self.language
            or self.city
            or self.dual
            or self.state_funded
            or self.new
        )


def catalogue_years() -> list[int]:
    return list(
        Offering.objects.filter(institution__kind__in=CATALOGUE_KINDS)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


# --- catalogue search (docs/adr/0115 and 0117) -----------------------------------------------

# qualities (out of 100) of the ways a query word can reach a term of the index
Q_TRANSLIT = 90  # "svarshik" → "сварщик", "лу" → "lu"
Q_LAYOUT = 85  # "cdfhobr" → "сварщик" (typed in the wrong keyboard layout)
Q_PREFIX = 70  # "логист" → "логистика"
Q_TYPO = {1: 60, 2: 45}  # by edit distance: "сварщек" → "сварщик"
MAX_PREFIX_TERMS = 50
# results scoring below this share of the best result are left out: "строитель" lists the
# construction programmes, not every programme of the "строительный колледж"
RELATIVE_CUTOFF = 50
MAX_SPELLINGS = 4  # transliterations tried per word


@dataclass(frozen=True)
class QueryWord:
    word: str  # as typed, normalised
    terms: dict[str, int]  # vocabulary terms it matches → quality out of 100
    corrected: tuple[str, ...] = ()  # vocabulary words a misspelling was taken for, closest first


@dataclass(frozen=True)
class CatalogueQuery:
    """What a catalogue query means: the words that are searched (all of them must match),
    those left out because the catalogue does not know them, and filler words dropped."""

    text: str
    words: tuple[QueryWord, ...]
    ignored: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()

    @property
    def corrections(self) -> list[tuple[str, str]]:
        """(typed, taken for) per misspelt word: the closest of its corrections."""
        return [(w.word, w.corrected[0]) for w in self.words if w.corrected]

    @property
    def understood(self) -> bool:
        return bool(self.words)


@dataclass
class _Stage:
    terms: dict[str, int] = field(default_factory=dict)
    prefixes: dict[str, int] = field(default_factory=dict)


def _scaled(terms: dict[str, int], factor: int) -> dict[str, int]:
    return {t: q * factor // 100 for t, q in terms.items()}


def _merge(into: dict[str, int], terms: dict[str, int]) -> None:
    for t, q in terms.items():
        if into.get(t, -1) < q:
            into[t] = q


def _spellings(word: str) -> list[tuple[str, int]]:
    """Other spellings the word may stand for, with their quality: transliterations, then the
    word as typed in the other keyboard layout."""
    out: list[tuple[str, int]] = []
    if is_latin(word):
        out += [(v, Q_TRANSLIT) for v in translit.latin_to_cyrillic(word)[:MAX_SPELLINGS]]
    elif is_cyrillic(word):
        latin = translit.cyrillic_to_latin(word)
        if latin != word:
            out.append((latin, Q_TRANSLIT))
    layout = translit.wrong_layout(word)
    if layout:
        out.append((layout, Q_LAYOUT))
    return out


def _stages(word: str) -> list[_Stage]:
    """The terms a word may match, by stage: as written, then other spellings. A later stage
    is used only when no earlier one finds anything in the vocabulary."""
    first = _Stage(terms=word_terms(word))
    if len(word) >= MIN_PREFIX:  # the start of a word, or of a specialty code
        first.prefixes[word] = Q_PREFIX
    second = _Stage()
    for spelling, factor in _spellings(word):
        _merge(second.terms, _scaled(word_terms(spelling), factor))
        if len(spelling) >= MIN_PREFIX:
            second.prefixes.setdefault(spelling, Q_PREFIX * factor // 100)
    return [first, second]


def _vocabulary_hits(stages: dict[str, list[_Stage]]) -> set[str]:
    exact: set[str] = set()
    prefixes: set[str] = set()
    for word_stages in stages.values():
        for stage in word_stages:
            exact |= set(stage.terms)
            prefixes |= set(stage.prefixes)
    if not exact and not prefixes:
        return set()
    match = Q(term__in=sorted(exact))
    for p in sorted(prefixes):
        match |= Q(term__startswith=p)
    return set(SearchVocabulary.objects.filter(match).values_list("term", flat=True))


def _resolve(stage: _Stage, vocabulary: set[str]) -> dict[str, int]:
    hits = {t: q for t, q in stage.terms.items() if t in vocabulary}
    for prefix, quality in stage.prefixes.items():
        completions = sorted(t for t in vocabulary if t.startswith(prefix) and t != prefix)
        for t in completions[:MAX_PREFIX_TERMS]:
            if hits.get(t, -1) < quality:
                hits[t] = quality
    return hits


def _typo_candidates(spellings: list[str]) -> dict[str, list[str]]:
    """Vocabulary terms similar to each spelling by trigrams (pg_trgm's `%` on PostgreSQL, the
    same computation in Python elsewhere), within the edit distance a correction allows."""
    wanted = [s for s in dict.fromkeys(spellings) if trigram.max_edits(s)]
    if not wanted:
        return {}
    db = SearchVocabulary.objects.db
    if connections[db].vendor == "postgresql":
        parts: list[str] = []
        params: list[Any] = []
        for i, s in enumerate(wanted):
            k = trigram.max_edits(s)
            parts.append(
                "SELECT %s AS k, term FROM portal_searchvocabulary WHERE term %% %s "
                "AND similarity(term, %s) >= %s AND length BETWEEN %s AND %s"
            )
            params += [i, s, s, trigram.SIMILARITY_THRESHOLD, len(s) - k, len(s) + k]
        with connections[db].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            rows = cursor.fetchall()
        out: dict[str, list[str]] = {s: [] for s in wanted}
        for k, term in rows:
            out[wanted[k]].append(term)
        return out
    lo = min(len(s) - trigram.max_edits(s) for s in wanted)
    hi = max(len(s) + trigram.max_edits(s) for s in wanted)
    vocabulary = list(
        SearchVocabulary.objects.filter(length__gte=lo, length__lte=hi).values_list(
            "term", flat=True
        )
    )
    return {
        s: [
            t
            for t in vocabulary
            if abs(len(t) - len(s)) <= trigram.max_edits(s)
            and trigram.similarity(s, t) >= trigram.SIMILARITY_THRESHOLD
        ]
        for s in wanted
    }


def _display_order(word: str, term: str) -> tuple[float, bool, str]:
    """The correction the page shows first: the closest by trigrams, Kazakh letters folded on
    both sides so that "мейірбике" and its folded twin "мейирбике" tie; then the one written
    in Kazakh letters, the word's real spelling."""
    return (
        -trigram.similarity(kazakh.fold(word), kazakh.fold(term)),
        not kazakh.is_kazakh(term),
        term,
    )


def catalogue_query(text: str) -> CatalogueQuery:
    """Understand a query against the index's vocabulary: 1 query, 2 when a word is misspelt."""
    lex = lexicon()
    raw = query_words(text)
    dropped = tuple(w for w in raw if lex.is_filler(w))
    words = [w for w in raw if w not in dropped]
    stages = {w: _stages(w) for w in words}
    vocabulary = _vocabulary_hits(stages)
    matched: dict[str, dict[str, int]] = {}
    for w in words:
        for stage in stages[w]:
            hits = _resolve(stage, vocabulary)
            if hits:
                matched[w] = hits
                break
    corrected: dict[str, tuple[str, ...]] = {}
    unknown = [w for w in words if w not in matched and not w.isdigit()]
    if unknown:
        spellings = {
            w: [(w, 100)] + [(s, f) for s, f in _spellings(w) if is_cyrillic(s)] for w in unknown
        }
        candidates = _typo_candidates([s for options in spellings.values() for s, _f in options])
        for w in unknown:
            best: list[tuple[int, str, int]] = []  # (distance, term, quality)
            for s, factor in spellings[w]:
                for term, d in trigram.corrections(s, candidates.get(s, [])):
                    best.append((d, term, Q_TYPO[d] * factor // 100))
            if not best:
                continue
            nearest = min(d for d, _t, _q in best)
            fixed: dict[str, int] = {}
            for d, term, quality in best:
                if d == nearest and fixed.get(term, -1) < quality:
                    fixed[term] = quality
            matched[w] = fixed
            corrected[w] = tuple(sorted(fixed, key=lambda t: _display_order(w, t)))
    return CatalogueQuery(
        text=text,
        words=tuple(
            QueryWord(word=w, terms=matched[w], corrected=corrected.get(w, ()))
            for w in words
            if w in matched
        ),
        ignored=tuple(w for w in words if w not in matched),
        dropped=dropped,
    )


def _tsquery(query: CatalogueQuery) -> str:
    """The query as a PostgreSQL tsquery of our own lexemes (no parser, no dictionary)."""

    def lexeme(term: str) -> str:
        return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"

    return " & ".join(
        "(" + " | ".join(lexeme(t) for t in sorted(w.terms)) + ")" for w in query.words
    )


def _word_score(word: QueryWord) -> Subquery:
    """The best weight × quality of the word's terms in an offering (None when none is there)."""
    by_quality: dict[int, list[str]] = defaultdict(list)
    for term, q in word.terms.items():
        by_quality[q].append(term)
    quality = Case(
        *(
            When(term__in=sorted(ts), then=Value(level))
            for level, ts in sorted(by_quality.items(), reverse=True)
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    best = (
        SearchTerm.objects.filter(offering_id=OuterRef("pk"), term__in=sorted(word.terms))
        .annotate(score=ExpressionWrapper(F("weight") * quality, output_field=IntegerField()))
        .order_by("-score")
        .values("score")[:1]
    )
    return Subquery(best, output_field=IntegerField())


def search_offerings(qs: QuerySet[Offering], query: CatalogueQuery) -> QuerySet[Offering]:
    """Offerings of ``qs`` that match every word of the query, best first.

    PostgreSQL finds them with its full-text search (the GIN-indexed ``tsvector`` of the
    offering's terms, ADR 0115); other databases with one EXISTS per word on the term table.
    Both rank with the same expression over the term table, so both give the same order,
    and both leave out what scores below ``RELATIVE_CUTOFF`` % of the best result.
    """
    if not query.words:
        return qs.annotate(relevance=Value(0, output_field=IntegerField())).none()
    if connections[qs.db].vendor == "postgresql":
        qs = qs.filter(
            pk__in=RawSQL(
                "SELECT offering_id FROM portal_searchdocument WHERE vector @@ %s::tsquery",
                [_tsquery(query)],
            )
        )
    else:
        for word in query.words:
            qs = qs.filter(
                Exists(
                    SearchTerm.objects.filter(
                        offering_id=OuterRef("pk"), term__in=sorted(word.terms)
                    )
                )
            )
    relevance: Any = Value(0)
    for word in query.words:
        relevance = relevance + Coalesce(_word_score(word), Value(0))
    qs = qs.annotate(
        relevance=ExpressionWrapper(relevance, output_field=IntegerField()),
        best=Window(Max("relevance")),
    )
    return qs.filter(relevance__gte=F("best") * RELATIVE_CUTOFF / 100)


def catalogue_offerings(
    filters: CatalogueFilters, query: CatalogueQuery | None = None
) -> QuerySet[Offering]:
    """Offerings matching the filters, with everything a result row shows joined in; with a
    text query, the best matches first."""
    qs = Offering.objects.filter(institution__kind__in=CATALOGUE_KINDS).select_related(
        "specialty__industry", "institution__settlement", "dual_employer"
    )
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.level:
        qs = qs.filter(specialty__isced_level=filters.level)
    if filters.industry:
        qs = qs.filter(specialty__industry__code=filters.industry)
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.city:
        qs = qs.filter(institution__settlement__kato=filters.city)
    if filters.dual:
        qs = qs.filter(dual_training=True)
    if filters.state_funded:
        qs = qs.filter(state_seats__gt=0)
    if filters.new:
        qs = qs.filter(launch_year=F("year"))
    order = ["specialty__code", "institution__name_ru", "language", "pk"]
    if filters.q.strip():
        qs = search_offerings(qs, query or catalogue_query(filters.q))
        order.insert(0, "-relevance")
    return qs.order_by(*order)


@dataclass
class FilterOptions:
    levels: list[tuple[int, Any]]
    industries: list[Industry]
    languages: list[tuple[str, Any]]
    cities: list[Territory]


def catalogue_filter_options(year: int | None) -> FilterOptions:
    offered = Offering.objects.filter(institution__kind__in=CATALOGUE_KINDS)
    if year is not None:
        offered = offered.filter(year=year)
    # IN (subquery) lets the database build the small set once instead of probing every
    # territory of the oblast with EXISTS.
    industries = list(
        Industry.objects.filter(pk__in=offered.values("specialty__industry_id")).order_by(
            f"name_{lang()}", "code"
        )
    )
    cities = list(
        Territory.objects.filter(pk__in=offered.values("institution__settlement_id")).order_by(
            "name_ru"
        )
    )
    return FilterOptions(
        levels=list(Specialty.Level.choices),
        industries=industries,
        languages=list(Language.choices),
        cities=cities,
    )


def offering_detail(pk: int) -> Offering | None:
    return (
        Offering.objects.filter(pk=pk, institution__kind__in=CATALOGUE_KINDS)
        .select_related("specialty__industry", "institution__settlement__parent", "dual_employer")
        .first()
    )


def institution_offerings(institution: Institution, year: int | None) -> list[Offering]:
    qs = institution.offerings.select_related("specialty__industry", "dual_employer")
    if year is not None:
        qs = qs.filter(year=year)
    return list(qs.order_by("specialty__code", "language"))


def public_institution(pk: int) -> Institution | None:
    return (
        Institution.objects.filter(pk=pk)
        .exclude(status=Institution.Status.CLOSED)
        .select_related("settlement__parent", "parent")
        .first()
    )


def institution_units(institution: Institution) -> list[Institution]:
    return list(institution.units.exclude(status=Institution.Status.CLOSED).order_by("name_ru"))


# --- news ----------------------------------------------------------------------------------


def published_articles(language: str) -> QuerySet[Article]:
    """The news list of a language: its own articles, and the articles not published in it in
    Russian (the source language; the page marks them), newest first."""
    qs = Article.objects.filter(is_published=True)
    own = qs.filter(language=language).values("slug")
    if language == Language.RUSSIAN:
        return qs.filter(language=language)
    return qs.filter(
        Q(language=language) | (Q(language=Language.RUSSIAN) & ~Q(slug__in=own))
    ).order_by("-published_at", "slug")


@dataclass(frozen=True)
class ArticleVersions:
    """An article as a page in ``language`` shows it: the version in that language, else the
    Russian one (else any); and the languages it is published in."""

    article: Article
    languages: list[str]
    asked: str

    @property
    def foreign(self) -> bool:
        """Is the page showing a version in another language than its own?"""
        return self.article.language != self.asked


def article_by_slug(slug: str, language: str) -> Article | None:
    found = article_versions(slug, language)
    return found.article if found else None


def article_versions(slug: str, language: str) -> ArticleVersions | None:
    found = list(Article.objects.filter(slug=slug, is_published=True))
    if not found:
        return None
    order = {language: 0, Language.RUSSIAN: 1}
    best = min(found, key=lambda a: (order.get(a.language, 2), a.language))
    rank = {code: i for i, code in enumerate(("ru", "kk", "en"))}
    langs = sorted({a.language for a in found}, key=lambda code: (rank.get(code, 9), code))
    return ArticleVersions(article=best, languages=langs, asked=language)


def latest_articles(
    language: str, *, exclude_pk: int | None = None, limit: int = 5
) -> list[Article]:
    qs = Article.objects.filter(is_published=True, language=language)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return list(qs.order_by("-published_at")[:limit])


# --- the region at a glance ----------------------------------------------------------------


@dataclass
class SourceLine:
    source: str
    label: str
    commissioned: int = 0
    commissioned_places: int = 0
    building: int = 0
    building_places: int = 0


@dataclass
class Glance:
    year: int | None
    schools: int = 0
    pupils: int = 0
    capacity: int = 0
    deficit: int = 0
    three_shift: int = 0
    emergency: int = 0
    by_source: list[SourceLine] = field(default_factory=list)
    schools_building: int = 0
    places_building: int = 0
    corporate_projects: list[Project] = field(default_factory=list)
    new_offerings: int = 0
    new_specialties: list[Specialty] = field(default_factory=list)
    new_seats: int = 0
    new_by_industry: list[tuple[str, int]] = field(default_factory=list)
    colleges: int = 0
    universities: int = 0
    centres_operating: int = 0
    centres_planned: int = 0
    foreign_students: int | None = 0  # None: hidden (a small count)
    foreign_countries: list[tuple[str, int | None]] = field(default_factory=list)
    donations_kzt: Decimal = Decimal(0)
    deficit_by_district: list[tuple[str, int | None, int, int]] = field(default_factory=list)
    materialised: bool = False  # True: school and headline figures from indicators
    support: list[SupportLine] = field(default_factory=list)


@dataclass
class SupportLine:
    code: str
    name: str
    recipients: int | None  # None: hidden (a small count, or its complement)
    coverage: float | None


def _int(value: float | None) -> int:
    return round(value) if value is not None else 0


def _materialised_glance(g: Glance) -> bool:
    """Fill the school, programme and partnership figures from the indicators app's
    materialised values (no scan of base tables). False when they were not computed."""
    if g.year is None:
        return False
    from keleshek.indicators import selectors as ind

    figs = ind.territory_values(ind.oblast_kato(), g.year)
    if "schools" not in figs or "places_deficit" not in figs:
        return False

    def v(code: str) -> int:
        fig = figs.get(code)
        return _int(fig.value) if fig else 0

    g.schools, g.pupils, g.capacity = v("schools"), v("pupils"), v("capacity")
    g.deficit = v("places_deficit")
    g.three_shift, g.emergency = v("three_shift_schools"), v("emergency_schools")
    drills = {
        code: {f.key: f for f in ind.values_for(code, ind.oblast_kato(), g.year).children}
        for code in ("pupils", "capacity", "places_deficit")
    }
    # the pupils' cells the indicators API hides, hidden here too (ADR 0133)
    hidden = {k for k, d, _c in ind.PublicSuppression().element("pupils", g.year) if not d}
    rows = []
    for kato, deficit in drills["places_deficit"].items():
        pupils = drills["pupils"].get(kato)
        capacity = drills["capacity"].get(kato)
        rows.append(
            (
                deficit.label,
                None if kato in hidden else _int(pupils.value if pupils else None),
                _int(capacity.value if capacity else None),
                _int(deficit.value),
            )
        )
    g.deficit_by_district = sorted(rows, key=lambda r: (-r[3], r[0]))
    if ind.oblast_kato() in hidden:
        g.pupils = None  # type: ignore[assignment]
    g.materialised = True
    _materialised_support(g, ind)
    return True


def _materialised_support(g: Glance, ind: Any) -> None:
    """Recipients and coverage of each support programme (uniform, meals, transport...)."""
    from keleshek.support.models import Programme

    year = g.year or 0
    recipients = ind.breakdown("support_recipients", ind.oblast_kato(), year, "programme")
    if not recipients:
        return
    coverage = ind.breakdown("support_coverage", ind.oblast_kato(), year, "programme")
    programmes = {p.code: p for p in Programme.objects.filter(code__in=list(recipients))}
    # recipients by programme: the same cells the indicators API hides (ADR 0133)
    protection = ind.PublicSuppression()
    oblast = ind.oblast_kato()
    hidden_n = protection.hidden("support_recipients", year)
    hidden_c = protection.hidden("support_coverage", year)
    g.support = [
        SupportLine(
            code,
            programmes[code].name if code in programmes else code,
            None if (oblast, "programme", code) in hidden_n else _int(n),
            None if (oblast, "programme", code) in hidden_c else coverage.get(code),
        )
        for code, n in recipients.items()
        if code
    ]


def _latest_year() -> int | None:
    return InstitutionYear.objects.aggregate(y=Max("year"))["y"]


def region_at_glance(year: int | None = None) -> Glance:
    """The briefing's headline figures, computed from the registries."""
    if year is None:
        year = _latest_year()
        if year is None:
            year = Offering.objects.aggregate(y=Max("year"))["y"]
    g = Glance(year=year)
    if not _materialised_glance(g):
        _live_school_figures(g)
    _live_other_figures(g)
    return g


def _live_school_figures(g: Glance) -> None:
    """Schools: capacity, pupils, deficit, shifts, computed from InstitutionYear rows."""
    year = g.year or 0
    district_names: dict[str, str] = {}
    by_district: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    rows = (
        InstitutionYear.objects.filter(year=year, institution__kind=Institution.Kind.SCHOOL)
        .select_related("institution__settlement")
        .only(
            "design_capacity",
            "is_emergency",
            "is_three_shift",
            "shifts",
            "pupils_shift1",
            "pupils_shift2",
            "pupils_shift3",
            "institution__settlement__path",
        )
    )
    # districts' pupils and the region's as every public path publishes them (ADR 0133)
    published = published_school_counts(year)
    for iy in rows:
        pupils = iy.pupils
        g.schools += 1
        g.pupils += pupils
        g.capacity += iy.design_capacity
        short = places_short(pupils, iy.design_capacity)  # the one rule (ADR 0128)
        g.deficit += short
        g.three_shift += iy.works_three_shifts
        g.emergency += iy.is_emergency
        parts = iy.institution.settlement.path.strip("/").split("/")
        district = parts[1] if len(parts) > 1 else parts[0]
        acc = by_district[district]
        acc[0] += pupils
        acc[1] += iy.design_capacity
        acc[2] += short
    if by_district:
        for t in Territory.objects.filter(kato__in=list(by_district)).only(
            "kato", "name_ru", "name_kk", "name_en"
        ):
            district_names[t.kato] = t.name
        g.deficit_by_district = sorted(
            (
                (district_names.get(k, k), published.district_pupils.get(k), v[1], v[2])
                for k, v in by_district.items()
            ),
            key=lambda r: (-r[3], r[0]),
        )
    g.pupils = published.region_pupils  # type: ignore[assignment]


def _live_other_figures(g: Glance) -> None:
    year = g.year or 0
    # Construction: schools by main funding source and stage.
    labels = dict(FundingSource.choices)
    lines: dict[str, SourceLine] = {}
    projects = (
        Project.objects.filter(
            kind__in=Project.SCHOOL_KINDS,
            stage__in=[Project.Stage.COMMISSIONED, Project.Stage.UNDER_CONSTRUCTION],
        )
        .select_related("settlement", "partner")
        .prefetch_related("funding")
    )
    for p in projects:
        source = p.main_source or ""
        line = lines.setdefault(source, SourceLine(source, str(labels.get(source, "—"))))
        if p.stage == Project.Stage.COMMISSIONED:
            line.commissioned += 1
            line.commissioned_places += p.places
        else:
            line.building += 1
            line.building_places += p.places
            g.schools_building += 1
            g.places_building += p.places
        if source == FundingSource.CORPORATE_PARTNER:
            g.corporate_projects.append(p)
    order = {v: i for i, v in enumerate(FundingSource.values)}
    g.by_source = sorted(lines.values(), key=lambda s: order.get(s.source, 99))

    # Programmes: new this year.
    new = Offering.objects.filter(
        year=year, launch_year=year, institution__kind__in=CATALOGUE_KINDS
    )
    agg = new.aggregate(n=Count("pk"), seats=Sum(F("state_seats") + F("paid_seats")))
    g.new_offerings = agg["n"] or 0
    g.new_seats = agg["seats"] or 0
    g.new_specialties = list(
        Specialty.objects.filter(Exists(new.filter(specialty_id=OuterRef("pk")))).order_by("code")
    )
    industry_rows = (
        new.values(f"specialty__industry__name_{lang()}", "specialty__industry__name_ru")
        .annotate(n=Count("pk"))
        .order_by("-n", "specialty__industry__name_ru")
    )
    g.new_by_industry = [
        (r[f"specialty__industry__name_{lang()}"] or r["specialty__industry__name_ru"], r["n"])
        for r in industry_rows
    ]

    # Institutions of vocational and higher education.
    counts = (
        Institution.objects.exclude(status=Institution.Status.CLOSED)
        .values("kind", "status")
        .annotate(n=Count("pk"))
    )
    for r in counts:
        operating = r["status"] == Institution.Status.OPERATING
        if r["kind"] == Institution.Kind.COLLEGE and operating:
            g.colleges += r["n"]
        elif r["kind"] == Institution.Kind.UNIVERSITY and operating:
            g.universities += r["n"]
        elif r["kind"] == Institution.Kind.COMPETENCE_CENTRE:
            if operating:
                g.centres_operating += r["n"]
            else:
                g.centres_planned += r["n"]

    # Partnerships: foreign students, donations.
    countries = (
        InternationalStudents.objects.filter(year=year)
        .values("country")
        .annotate(n=Sum("count"))
        .order_by("-n", "country")
    )
    # the region's students by country and in all as the indicators publish them: a small
    # country hidden with its complement, across countries and down to the open data's
    # records (ADR 0133)
    hidden = published_international(year).hidden
    oblast = oblast_kato()
    g.foreign_countries = [
        (
            country_name(r["country"], lang()),
            None if (oblast, "country", r["country"]) in hidden else r["n"],
        )
        for r in countries
    ]
    total_foreign = sum(r["n"] for r in countries)
    g.foreign_students = None if (oblast, "", "") in hidden else total_foreign
    for a in Agreement.objects.filter(
        kind=Agreement.Kind.EQUIPMENT_DONATION, amount__isnull=False
    ).only("amount", "currency", "kzt_rate"):
        if a.amount_kzt is not None:
            g.donations_kzt += a.amount_kzt
