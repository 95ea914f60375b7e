"""The annex: the briefing's exact figures as tables (HTML annex, PDF annex).

Every table has a title, column headings, rows and, where the rows add up, a total row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from keleshek.core.countries import country_name

from .charts import BEFORE_AFTER, PROGRAMME_KINDS, SOURCE_LABELS
from .numwords import Lang, digits, percent
from .selectors import Facts, Trace
from .text import COMPARED, headline


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    total: list[Any] | None = None
    trace: Trace | None = None
    notes: list[str] = field(default_factory=list)


L: dict[str, dict[Lang, str]] = {
    "source": {"ru": "Источник финансирования", "kk": "Қаржыландыру көзі", "en": "Funding source"},
    "schools": {"ru": "Школ", "kk": "Мектептер", "en": "Schools"},
    "places": {"ru": "Мест", "kk": "Орындар", "en": "Places"},
    "district": {"ru": "Район / город", "kk": "Аудан / қала", "en": "District / city"},
    "total": {"ru": "Итого", "kk": "Барлығы", "en": "Total"},
    "t_commissioned": {
        "ru": "Введенные школы по источникам финансирования",
        "kk": "Қаржыландыру көздері бойынша берілген мектептер",
        "en": "Schools commissioned by funding source",
    },
    "t_by_district": {
        "ru": "Введенные школы по районам",
        "kk": "Аудандар бойынша берілген мектептер",
        "en": "Schools commissioned by district",
    },
    "t_fund": {
        "ru": "Помощь из фонда всеобуча по районам",
        "kk": "Аудандар бойынша жалпыға бірдей оқыту қорынан көмек",
        "en": "Help from the general-education fund by district",
    },
    "fund_children": {
        "ru": "Детей получили помощь",
        "kk": "Көмек алған балалар",
        "en": "Children helped",
    },
    "fund_amount": {
        "ru": "Выплачено, тенге",
        "kk": "Төленді, теңге",
        "en": "Paid, tenge",
    },
    "t_pipeline": {
        "ru": "Строящиеся школы",
        "kk": "Салынып жатқан мектептер",
        "en": "Schools under construction",
    },
    "uc_state": {"ru": "без корпоративных", "kk": "корпоративтіксіз", "en": "excluding corporate"},
    "uc_all": {
        "ru": "включая корпоративные",
        "kk": "корпоративтіктерді қоса",
        "en": "including corporate",
    },
    "t_deficit": {
        "ru": "Дефицит мест по районам",
        "kk": "Аудандар бойынша орын тапшылығы",
        "en": "Deficit of places by district",
    },
    "t_support": {
        "ru": "Охват социальной поддержкой по районам (получатели / имеющие право)",
        "kk": "Аудандар бойынша әлеуметтік қолдаумен қамту (алушылар / құқығы барлар)",
        "en": "Support coverage by district (recipients / eligible)",
    },
    "t_specialties": {
        "ru": "Новые специальности колледжей",
        "kk": "Колледждердің жаңа мамандықтары",
        "en": "New college specialties",
    },
    "specialty": {"ru": "Специальность", "kk": "Мамандық", "en": "Specialty"},
    "seats": {"ru": "Мест приема", "kk": "Қабылдау орындары", "en": "Seats"},
    "institutions": {"ru": "Учебные заведения", "kk": "Оқу орындары", "en": "Institutions"},
    "t_universities": {
        "ru": "Программы университетов, запущенные в этом году",
        "kk": "Биыл іске қосылған университет бағдарламалары",
        "en": "University programmes launched this year",
    },
    "institution": {"ru": "Учебное заведение", "kk": "Оқу орны", "en": "Institution"},
    "t_donations": {
        "ru": "Передача оборудования",
        "kk": "Жабдық беру",
        "en": "Equipment donations",
    },
    "recipient": {"ru": "Получатель", "kk": "Алушы", "en": "Recipient"},
    "amount": {"ru": "Сумма", "kk": "Сома", "en": "Amount"},
    "currency": {"ru": "Валюта", "kk": "Валюта", "en": "Currency"},
    "kzt": {"ru": "Сумма, тенге", "kk": "Сома, теңге", "en": "Amount, KZT"},
    "t_students": {
        "ru": "Иностранные студенты по странам",
        "kk": "Елдер бойынша шетелдік студенттер",
        "en": "International students by country",
    },
    "country": {"ru": "Страна", "kk": "Ел", "en": "Country"},
    "students": {"ru": "Студентов", "kk": "Студенттер", "en": "Students"},
    "t_comparison": {
        "ru": "Сравнение с прошлым годом",
        "kk": "Өткен жылмен салыстыру",
        "en": "Comparison with last year",
    },
    "indicator": {"ru": "Показатель", "kk": "Көрсеткіш", "en": "Indicator"},
    "this_year": {"ru": "Этот год", "kk": "Биыл", "en": "This year"},
    "last_year": {"ru": "Прошлый год", "kk": "Өткен жыл", "en": "Last year"},
    "change": {"ru": "Изменение", "kk": "Өзгеріс", "en": "Change"},
}


def _t(key: str, lang: Lang) -> str:
    return L[key][lang]


def _dname(row: Any, lang: Lang) -> str:
    return str(row.values.get(f"name_{lang}") or row.name) if lang != "ru" else row.name


def build(f: Facts, lang: Lang) -> list[Table]:
    c = f.construction
    tables: list[Table] = []
    rows = [[SOURCE_LABELS[r.source][lang], r.count, r.places] for r in c.commissioned]
    tables.append(
        Table(
            "commissioned",
            _t("t_commissioned", lang),
            [_t("source", lang), _t("schools", lang), _t("places", lang)],
            rows,
            [_t("total", lang), sum(r[1] for r in rows), sum(r[2] for r in rows)],
        )
    )
    sources = [s for s in SOURCE_LABELS if any(s in d.values for d in c.by_district)]
    drows = []
    for d in c.by_district:
        row: list[Any] = [_dname(d, lang)]
        for s in sources:
            n, p = d.values.get(s, (0, 0))
            row += [n, p]
        drows.append(row)
    cols = [_t("district", lang)]
    for s in sources:
        cols += [
            f"{SOURCE_LABELS[s][lang]}: {_t('schools', lang).lower()}",
            f"{SOURCE_LABELS[s][lang]}: {_t('places', lang).lower()}",
        ]
    total = [_t("total", lang)] + [sum(r[i] for r in drows) for i in range(1, len(cols))]
    tables.append(Table("by_district", _t("t_by_district", lang), cols, drows, total))
    tables.append(
        Table(
            "pipeline",
            _t("t_pipeline", lang),
            [_t("t_pipeline", lang), _t("schools", lang)],
            [
                [_t("uc_state", lang), c.under_construction],
                [_t("uc_all", lang), c.under_construction_all],
            ],
            trace=c.under_construction_trace,
        )
    )
    if c.deficit:
        b, a = BEFORE_AFTER[lang]
        rows = [[_dname(d, lang), d.values["before"], d.values["after"]] for d in c.deficit]
        tables.append(
            Table(
                "deficit",
                _t("t_deficit", lang),
                [_t("district", lang), b, a],
                rows,
                [_t("total", lang), sum(r[1] for r in rows), sum(r[2] for r in rows)],
            )
        )
    sp = f.support
    if sp.available and sp.by_district:
        kinds = [k for k in PROGRAMME_KINDS if any(k in d.values for d in sp.by_district)]
        srows = []
        sums = {k: [0, 0] for k in kinds}
        for d in sp.by_district:
            row = [_dname(d, lang)]
            for k in kinds:
                cov, elig = d.values.get(k, (0, 0))
                sums[k][0] += cov
                sums[k][1] += elig
                row.append(
                    f"{digits(cov, lang)} / {digits(elig, lang)} ({percent(cov, elig, lang)})"
                )
            srows.append(row)
        tables.append(
            Table(
                "support",
                _t("t_support", lang),
                [_t("district", lang)] + [PROGRAMME_KINDS[k][lang] for k in kinds],
                srows,
                [_t("total", lang)]
                + [
                    f"{digits(sums[k][0], lang)} / {digits(sums[k][1], lang)} "
                    f"({percent(sums[k][0], sums[k][1], lang)})"
                    for k in kinds
                ],
            )
        )
    if sp.available and sp.fund_by_district:
        frows = [
            [
                _dname(d, lang),
                digits(int(d.values["children"]), lang),
                digits(int(d.values["amount"]), lang),
            ]
            for d in sp.fund_by_district
        ]
        tables.append(
            Table(
                "fund",
                _t("t_fund", lang),
                [_t("district", lang), _t("fund_children", lang), _t("fund_amount", lang)],
                frows,
                [
                    _t("total", lang),
                    digits(sp.fund_children_helped, lang),
                    digits(int(sp.fund_amount_paid), lang),
                ],
                trace=sp.fund_trace,
            )
        )
    v = f.vocational
    if v.new_specialties:
        rows = [
            [
                i.name(lang),
                i.value,
                ", ".join(x.name(lang) for x in i.extra.get("institutions", [])),
            ]
            for i in v.new_specialties
        ]
        tables.append(
            Table(
                "specialties",
                _t("t_specialties", lang),
                [_t("specialty", lang), _t("seats", lang), _t("institutions", lang)],
                rows,
                [_t("total", lang), sum(r[1] for r in rows), ""],
                trace=v.new_specialties_trace,
            )
        )
    if f.universities.launched:
        rows = [
            [i.extra["institution"].name(lang), i.name(lang), i.value]
            for i in f.universities.launched
        ]
        tables.append(
            Table(
                "universities",
                _t("t_universities", lang),
                [_t("institution", lang), _t("specialty", lang), _t("seats", lang)],
                rows,
                trace=f.universities.trace,
            )
        )
    p = f.partnerships
    if p.donations:
        rows = [
            [
                d.recipient.name(lang) if d.recipient else "",
                digits(d.amount, lang),
                d.currency,
                digits(d.amount_kzt, lang) if d.amount_kzt is not None else "—",
            ]
            for d in p.donations
        ]
        tables.append(
            Table(
                "donations",
                _t("t_donations", lang),
                [_t("recipient", lang), _t("amount", lang), _t("currency", lang), _t("kzt", lang)],
                rows,
            )
        )
    if p.students_by_country:
        rows = [[country_name(c_, lang), n] for c_, n in p.students_by_country]
        tables.append(
            Table(
                "students",
                _t("t_students", lang),
                [_t("country", lang), _t("students", lang)],
                rows,
                [_t("total", lang), p.students_total],
                trace=p.students_trace,
            )
        )
    if f.previous is not None:
        now, before = headline(f), headline(f.previous)
        rows = []
        for key, label in COMPARED:
            cur, prev = now[key], before[key]
            if cur is None or prev is None:
                continue
            rows.append([label[lang].capitalize(), cur, prev, cur - prev])
        tables.append(
            Table(
                "comparison",
                _t("t_comparison", lang),
                [
                    _t("indicator", lang),
                    _t("this_year", lang),
                    _t("last_year", lang),
                    _t("change", lang),
                ],
                rows,
            )
        )
    return tables
