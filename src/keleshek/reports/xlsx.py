"""The ministry's report pack: an XLSX workbook with one sheet per indicator family, one row
per district and a total row that is the sum of the rows (tested), plus a summary sheet with the
briefing's headline figures."""

from __future__ import annotations

from keleshek.core import spreadsheets
from keleshek.core.countries import country_name
from keleshek.core.spreadsheets import Cell

from . import selectors
from .charts import PROGRAMME_KINDS, SOURCE_LABELS
from .numwords import Lang
from .text import COMPARED, headline

SHEETS: dict[str, dict[Lang, str]] = {
    "summary": {"ru": "Сводка", "kk": "Жиынтық", "en": "Summary"},
    "construction": {"ru": "Строительство", "kk": "Құрылыс", "en": "Construction"},
    "capacity": {
        "ru": "Мощность и дефицит",
        "kk": "Қуат және тапшылық",
        "en": "Capacity and deficit",
    },
    "support": {"ru": "Соцподдержка", "kk": "Әлеуметтік қолдау", "en": "Support"},
    "vocational": {"ru": "ТиПО", "kk": "ТжКБ", "en": "Vocational"},
    "international": {
        "ru": "Иностранные студенты",
        "kk": "Шетелдік студенттер",
        "en": "International students",
    },
}

MEASURES: dict[str, dict[Lang, str]] = {
    "schools": {"ru": "школ", "kk": "мектеп", "en": "schools"},
    "places": {"ru": "мест", "kk": "орын", "en": "places"},
    "under_construction": {"ru": "Строится", "kk": "Салынуда", "en": "Under construction"},
    "design_capacity": {"ru": "Проектная мощность", "kk": "Жобалық қуат", "en": "Design capacity"},
    "pupils": {"ru": "Учащихся", "kk": "Оқушылар", "en": "Pupils"},
    "pupils_shift2_3": {
        "ru": "Учащихся во 2-3 смену",
        "kk": "2-3 ауысымдағы оқушылар",
        "en": "Pupils in shifts 2-3",
    },
    "three_shift_schools": {
        "ru": "Трехсменных школ",
        "kk": "Үш ауысымды мектептер",
        "en": "Three-shift schools",
    },
    "deficit_before": {
        "ru": "Дефицит до ввода",
        "kk": "Берілгенге дейінгі тапшылық",
        "en": "Deficit before commissioning",
    },
    "deficit_after": {
        "ru": "Дефицит после ввода",
        "kk": "Берілгеннен кейінгі тапшылық",
        "en": "Deficit after commissioning",
    },
    "eligible": {"ru": "имеют право", "kk": "құқығы бар", "en": "eligible"},
    "enrolled": {"ru": "охвачено", "kk": "қамтылған", "en": "enrolled"},
    "offerings": {"ru": "Программ", "kk": "Бағдарламалар", "en": "Offerings"},
    "new_offerings": {"ru": "Новых программ", "kk": "Жаңа бағдарламалар", "en": "New offerings"},
    "state_seats": {"ru": "Госзаказ, мест", "kk": "Мемлекеттік тапсырыс", "en": "State seats"},
    "paid_seats": {"ru": "Платных мест", "kk": "Ақылы орындар", "en": "Paid seats"},
    "enrolled_dual": {
        "ru": "Из них в дуальном обучении",
        "kk": "Оның ішінде дуальды оқыту",
        "en": "Of whom in dual training",
    },
}
DISTRICT = {"ru": "Район / город", "kk": "Аудан / қала", "en": "District / city"}
KATO = {"ru": "КАТО", "kk": "ҚАТО", "en": "KATO"}
TOTAL = {"ru": "Итого", "kk": "Барлығы", "en": "Total"}


def _heading(family: str, column: str, lang: Lang) -> str:
    if family == "international":
        return country_name(column, lang)
    if ":" in column:
        group, measure = column.split(":", 1)
        label = (
            SOURCE_LABELS.get(group, {}).get(lang)
            or PROGRAMME_KINDS.get(group, {}).get(lang)
            or MEASURES.get(group, {}).get(lang, group)
        )
        return f"{label}: {MEASURES.get(measure, {}).get(lang, measure)}"
    return MEASURES.get(column, {}).get(lang, column)


def ministry_pack(*, year: int, lang: Lang = "ru") -> bytes:
    families, names = selectors.district_families(year)
    facts = selectors.briefing_facts(year=year)
    book = spreadsheets.Book()
    ws = book.sheet(SHEETS["summary"][lang])
    ws.width("A", 45)
    ws.append([Cell(facts.region.name(lang), bold=True), f"{year}/{year + 1}"])
    now = headline(facts)
    before = headline(facts.previous) if facts.previous else {}
    for key, label in COMPARED:
        ws.append([label[lang].capitalize(), now[key], before.get(key)])
    for fam in families:
        sheet = book.sheet(SHEETS[fam.key][lang])
        sheet.width("B", 34)
        sheet.freeze("C2")
        sheet.append(
            [KATO[lang], DISTRICT[lang], *(_heading(fam.key, c, lang) for c in fam.columns)],
            bold=True,
        )
        totals = [0] * len(fam.columns)
        for kato in sorted(fam.rows):
            values = fam.rows[kato]
            name = names[kato].name(lang) if kato in names else kato
            sheet.append([kato, name, *values])
            totals = [t + v for t, v in zip(totals, values, strict=True)]
        sheet.append(["", TOTAL[lang], *totals], bold=True)
    return book.bytes()
