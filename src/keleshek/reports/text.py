"""The briefing's sentences, composed per language from ``selectors.Facts``.

A paragraph is a list of segments: plain strings and ``Fig`` (a figure's words with the trace
of the records behind it). The text renderer joins them; the HTML renderer turns every ``Fig``
into a link to its record list. The sections follow the seed briefing's order: construction,
social support, vocational education, universities, partnerships; then "since last year".

Sentences are written per language (not assembled from gettext fragments): Russian needs
agreement and cases, Kazakh suffixes and its own word order (ADR 0080).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from keleshek.construction.models import NATIONAL_PROJECT_SOURCES
from keleshek.core.countries import country_name, partners_phrase

from . import numwords as nw
from .numwords import Lang
from .selectors import Facts, NamedItem, Trace


@dataclass(frozen=True)
class Fig:
    text: str
    trace: Trace


Segment = str | Fig
Paragraph = list[Segment]


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)


TITLES: dict[str, dict[Lang, str]] = {
    "construction": {
        "ru": "Строительство школ",
        "kk": "Мектеп құрылысы",
        "en": "School construction",
    },
    "support": {"ru": "Социальная поддержка", "kk": "Әлеуметтік қолдау", "en": "Social support"},
    "vocational": {
        "ru": "Профессиональное образование",
        "kk": "Кәсіптік білім",
        "en": "Vocational education",
    },
    "universities": {"ru": "Университеты", "kk": "Университеттер", "en": "Universities"},
    "partnerships": {
        "ru": "Международное сотрудничество и партнерство",
        "kk": "Халықаралық ынтымақтастық және әріптестік",
        "en": "International cooperation and partnerships",
    },
    "comparison": {
        "ru": "По сравнению с прошлым годом",
        "kk": "Өткен жылмен салыстырғанда",
        "en": "Since last year",
    },
}

SOURCE_PHRASE: dict[str, dict[Lang, str]] = {
    "keleshek_mektebi": {
        "ru": "По национальному проекту «Келешек мектебі»",
        "kk": "«Келешек мектебі» ұлттық жобасы бойынша",
        "en": "Under the national project «Keleshek mektebi»",
    },
    "republican_budget": {
        "ru": "За счет республиканского бюджета",
        "kk": "Республикалық бюджет есебінен",
        "en": "From the republican budget",
    },
    "local_budget": {
        "ru": "За счет местного бюджета",
        "kk": "Жергілікті бюджет есебінен",
        "en": "From the local budget",
    },
    "corporate_partner": {
        "ru": "За счет социальных партнеров",
        "kk": "Әлеуметтік серіктестер есебінен",
        "en": "Funded by corporate partners",
    },
}

MODERN_SCHOOL = nw.Noun(
    ("современная школа", "современные школы", "современных школ"),
    ("современной школы", "современных школ"),
    "f",
    "заманауи мектеп",
    ("modern school", "modern schools"),
)


def _lc_first(name: str) -> str:
    """ "Логистика" -> "логистика", but "IT-направления" stays."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _quoted(name: str) -> str:
    return name if "«" in name or '"' in name else f"«{name}»"


_LEGAL_FORMS = re.compile(r"^(ТОО|АО|ПК|ИП|LLP|JSC)\s+|\s+(ЖШС|АҚ|LLP|JSC|Ltd\.?)$")


def _company(name: str) -> str:
    """ "ТОО «Казцинк»" -> "«Казцинк»", "«Қазмырыш» ЖШС" -> "«Қазмырыш»", "Kazzinc LLP" ->
    "Kazzinc": the sentence already says "компания"."""
    return _LEGAL_FORMS.sub("", name).strip()


def _city(name: str) -> str:
    """ "г.а. Усть-Каменогорск" / "г. Риддер" -> the bare name after "в городе"."""
    return re.sub(r"^(г\.\s?а\.|г\.)\s*", "", name)


_RU_INSTRUMENTAL = {
    "Завод": "заводом",
    "Компания": "компанией",
    "Комбинат": "комбинатом",
    "Фабрика": "фабрикой",
    "Университет": "университетом",
    "Холдинг": "холдингом",
    "Корпорация": "корпорацией",
    "Предприятие": "предприятием",
}


def _ru_with(name: str) -> str:
    """The partner after "с" (instrumental): "Завод Allur" -> "заводом Allur"; names that do
    not start with a common noun (brands, legal forms) stay as written."""
    head, _, rest = name.partition(" ")
    if head in _RU_INSTRUMENTAL and rest:
        return f"{_RU_INSTRUMENTAL[head]} {rest}"
    return name


ALLOCATED = ("выделено", "выделены", "выделено")


def _pick(options: dict[str, Paragraph], lang: str) -> Paragraph:
    """The paragraph pieces in the requested language (typed for mypy)."""
    return options[lang]


def _ru_verb(n: int, forms: tuple[str, str, str]) -> str:
    return nw.ru_plural(n, forms)


def _places_count(n: int, lang: Lang) -> str:
    return nw.count(n, nw.PLACE, lang)


# --- construction --------------------------------------------------------------------------


def construction(f: Facts, lang: Lang) -> Section:
    c = f.construction
    s = Section("construction", TITLES["construction"][lang])
    para: Paragraph = []
    national = [r for r in c.commissioned if r.source in NATIONAL_PROJECT_SOURCES]
    others = [r for r in c.commissioned if r not in national]
    for r in national:
        schools = nw.count(r.count, MODERN_SCHOOL, lang)
        places = _places_count(r.places, lang)
        if lang == "ru":
            verb = _ru_verb(r.count, ("построена", "построены", "построено"))
            para += [
                f"{SOURCE_PHRASE[r.source][lang]} в области уже {verb} ",
                Fig(f"{schools} на {places}", r.trace),
                ". ",
            ]
        elif lang == "kk":
            para += [
                f"{SOURCE_PHRASE[r.source][lang]} облыста ",
                Fig(f"{places}дық {nw.number(r.count, 'kk')} заманауи мектеп", r.trace),
                " салынды. ",
            ]
        else:
            para += [
                f"{SOURCE_PHRASE[r.source][lang]}, the region has already built ",
                Fig(f"{schools} with {places}", r.trace),
                ". ",
            ]
    uc = c.under_construction
    for i, r in enumerate(others):
        schools = nw.count(r.count, nw.SCHOOL, lang)
        places = _places_count(r.places, lang)
        more = i == 0 and national
        if lang == "ru":
            verb = _ru_verb(r.count, ("введена", "введены", "введено"))
            para += [
                f"{SOURCE_PHRASE[r.source][lang]} {verb}{' еще' if more else ''} ",
                Fig(f"{schools} на {places}", r.trace),
            ]
        elif lang == "kk":
            para += [
                f"{SOURCE_PHRASE[r.source][lang]}{' тағы' if more else ''} ",
                Fig(f"{places}дық {nw.number(r.count, 'kk')} мектеп", r.trace),
                " пайдалануға берілді",
            ]
        else:
            para += [
                f"{SOURCE_PHRASE[r.source][lang]}, {'another ' if more else ''}",
                Fig(f"{schools} with {places}", r.trace),
                " were commissioned",
            ]
        if i == len(others) - 1 and uc:
            para += _under_construction(uc, c.under_construction_trace, lang, joined=True)
        else:
            para.append(". ")
    if not others and uc:
        para += _under_construction(uc, c.under_construction_trace, lang, joined=False)
    for p in c.corporate:
        places = _places_count(p.places, lang)
        if lang == "ru":
            where = f"в {'городе' if p.settlement_urban else 'селе'} {_city(p.settlement)}"
            company = _quoted(_company(p.partner))
            para += [
                f"В рамках социального партнерства компания {company} возводит ",
                Fig(f"школу на {places}", p.trace),
                f" {where}. ",
            ]
        elif lang == "kk":
            where = f"{p.settlement_kk} {'қаласында' if p.settlement_urban else 'ауылында'}"
            company = _quoted(_company(p.partner_kk))
            para += [
                f"Әлеуметтік әріптестік аясында {company} компаниясы {where} ",
                Fig(f"{places}дық мектеп", p.trace),
                " салып жатыр. ",
            ]
        else:
            where = f"in {'the town' if p.settlement_urban else 'the village'} of {p.settlement_en}"
            para += [
                f"Under a social partnership, {_company(p.partner_en)} is building ",
                Fig(f"a school with {places}", p.trace),
                f" {where}. ",
            ]
    if not para:
        para = [
            {
                "ru": "В этом году новые школы не вводились.",
                "kk": "Биыл жаңа мектептер пайдалануға берілген жоқ.",
                "en": "No new schools were commissioned this year.",
            }[lang]
        ]
    s.paragraphs.append(para)
    return s


def _under_construction(n: int, trace: Trace, lang: Lang, *, joined: bool) -> Paragraph:
    if lang == "ru":
        fig = Fig(f"строительство {nw.count(n, nw.SCHOOL, 'ru', 'gen')}", trace)
        return [", а ", fig, " продолжается. "] if joined else [fig, " продолжается. "]
    if lang == "kk":
        fig = Fig(f"{nw.number(n, 'kk')} {nw.kk_suffix('мектеп', 'gen')} құрылысы", trace)
        return [", ал ", fig, " жалғасуда. "] if joined else [fig, " жалғасуда. "]
    fig = Fig(f"{nw.count(n, nw.SCHOOL, 'en')} are still under construction", trace)
    return [", while ", fig, ". "] if joined else [fig, ". "]


# --- support -------------------------------------------------------------------------------


def support(f: Facts, lang: Lang) -> Section:
    s = Section("support", TITLES["support"][lang])
    sp = f.support
    if not sp.available:
        s.paragraphs.append(
            [
                {
                    "ru": "Данных о программах социальной поддержки за этот год нет.",
                    "kk": "Биылғы әлеуметтік қолдау бағдарламалары туралы дерек жоқ.",
                    "en": "There are no social-support records for this year.",
                }[lang]
            ]
        )
        return s
    para: Paragraph = []
    intro = {
        "ru": "Регион усиливает меры социальной поддержки. ",
        "kk": "Өңір әлеуметтік қолдау шараларын күшейтуде. ",
        "en": "The region is strengthening social support. ",
    }[lang]
    para.append(intro)
    if sp.fund_children_helped:
        # The fund's children helped (cash against applications, and the in-kind help of the
        # earlier years migrated): "help for" is true of both (ADR 0156).
        n = nw.approx(sp.fund_children_helped, nw.CHILD, lang)
        paid: Paragraph = (
            [" — ", Fig(nw.approx(sp.fund_amount_paid, nw.TENGE, lang), sp.fund_trace)]
            if sp.fund_amount_paid > 0
            else []
        )
        para += _pick(
            {
                "ru": [
                    "В текущем году ",
                    Fig(n, sp.fund_trace),
                    " из уязвимых категорий получили помощь на школьную форму и обувь, одежду"
                    " и школьные принадлежности из фонда всеобуча",
                    *paid,
                    ". ",
                ],
                "kk": [
                    "Биыл әлеуметтік осал санаттағы ",
                    Fig(n, sp.fund_trace),
                    " жалпыға бірдей оқыту қорынан мектеп формасы мен аяқ киімге, киім мен"
                    " мектеп керек-жарақтарына көмек алды",
                    *paid,
                    ". ",
                ],
                "en": [
                    "This year ",
                    Fig(n, sp.fund_trace),
                    " from vulnerable categories received help from the general-education fund"
                    " for school uniforms and shoes, clothing and school supplies",
                    *paid,
                    ". ",
                ],
            },
            lang,
        )
    all_primary = sp.primary_eligible > 0 and sp.primary_covered >= sp.primary_eligible
    all_low = sp.low_income_covered >= sp.low_income_eligible
    if all_primary and all_low:
        para += _pick(
            {
                "ru": [
                    Fig(
                        "Все учащиеся начальных классов и дети из малообеспеченных семей",
                        sp.meals_trace,
                    ),
                    " обеспечены бесплатным питанием. ",
                ],
                "kk": [
                    "Бастауыш сынып оқушыларының және аз қамтылған отбасылардан шыққан балалардың ",
                    Fig("барлығы", sp.meals_trace),
                    " тегін тамақпен қамтамасыз етілген. ",
                ],
                "en": [
                    Fig(
                        "All primary pupils and all children from low-income families",
                        sp.meals_trace,
                    ),
                    " receive free meals. ",
                ],
            },
            lang,
        )
    elif sp.primary_eligible:
        p1 = nw.percent(sp.primary_covered, sp.primary_eligible, lang)
        p2 = nw.percent(sp.low_income_covered, sp.low_income_eligible, lang)
        para += _pick(
            {
                "ru": [
                    "Бесплатным питанием обеспечены ",
                    Fig(p1, sp.meals_trace),
                    " учащихся начальных классов и ",
                    Fig(p2, sp.meals_trace),
                    " детей из малообеспеченных семей. ",
                ],
                "kk": [
                    "Тегін тамақпен бастауыш сынып оқушыларының ",
                    Fig(p1, sp.meals_trace),
                    " және аз қамтылған отбасы балаларының ",
                    Fig(p2, sp.meals_trace),
                    " қамтылған. ",
                ],
                "en": [
                    "Free meals reach ",
                    Fig(p1, sp.meals_trace),
                    " of primary pupils and ",
                    Fig(p2, sp.meals_trace),
                    " of children from low-income families. ",
                ],
            },
            lang,
        )
    if sp.transported:
        n = nw.approx(sp.transported, nw.PUPIL, lang)
        para += _pick(
            {
                "ru": ["В сельской местности организован подвоз ", Fig(n, sp.transport_trace)],
                "kk": ["Ауылдық жерлерде ", Fig(n, sp.transport_trace), " мектепке тасымалданады"],
                "en": ["In rural areas ", Fig(n, sp.transport_trace), " are taken to school"],
            },
            lang,
        )
        para.append(", " if sp.transit else ". ")
    for i, t in enumerate(sp.transit):
        terr: NamedItem | None = t["territory"]
        everyone = t["eligible"] > 0 and t["covered"] >= t["eligible"]
        share = nw.percent(t["covered"], t["eligible"], lang)
        lead = i == 0 and sp.transported
        if lang == "ru":
            where = f"в городе {_city(terr.name_ru)}" if terr else "в регионе"
            who = "для всех учеников" if everyone else f"для {share} учеников"
            para += [
                f"{'а ' if lead else ''}{where} действует ",
                Fig(f"бесплатный проезд {who}", t["trace"]),
                ". ",
            ]
        elif lang == "kk":
            where = f"{_city(terr.name('kk'))} қаласында" if terr else "өңірде"
            who = "барлық оқушылар" if everyone else f"оқушылардың {share}"
            para += [
                f"{'ал ' if lead else ''}{where} ",
                Fig(f"{who} үшін тегін жол жүру", t["trace"]),
                " қарастырылған. ",
            ]
        else:
            where = f"in {_city(terr.name('en'))}" if terr else "in the region"
            who = "for all pupils" if everyone else f"for {share} of pupils"
            para += [
                f"{'and ' if lead else ''}{where} city transit is ",
                Fig(f"free {who}", t["trace"]),
                ". ",
            ]
    s.paragraphs.append(para)
    return s


# --- vocational ----------------------------------------------------------------------------


def _common_prefix_split(names: list[str]) -> tuple[str, list[str]]:
    """ "Центр компетенций по ядерным технологиям", "Центр компетенций по биотехнологиям" ->
    ("Центр компетенций", ["по ядерным технологиям", "по биотехнологиям"])."""
    if len(names) < 2:
        return "", names
    words = [n.split() for n in names]
    k = 0
    while all(len(w) > k + 1 for w in words) and len({w[k] for w in words}) == 1:
        k += 1
    # a trailing preposition belongs to each topic: "по ядерным технологиям"
    while k and words[0][k - 1].lower() in {"по", "для", "в", "of", "for"}:
        k -= 1
    if k == 0:
        return "", names
    return " ".join(words[0][:k]), [" ".join(w[k:]) for w in words]


def vocational(f: Facts, lang: Lang) -> Section:
    v = f.vocational
    s = Section("vocational", TITLES["vocational"][lang])
    para: Paragraph = []
    if v.new_specialties:
        names = ", ".join(_lc_first(i.name(lang)) for i in v.new_specialties)
        seats = sum(i.value for i in v.new_specialties)
        para += _pick(
            {
                "ru": [
                    "Студенты колледжей проходят подготовку по новым специальностям — ",
                    Fig(names, v.new_specialties_trace),
                    ". ",
                ],
                "kk": [
                    "Колледж студенттері жаңа мамандықтар бойынша білім алуда: ",
                    Fig(names, v.new_specialties_trace),
                    ". ",
                ],
                "en": [
                    "College students are training in new specialties: ",
                    Fig(names, v.new_specialties_trace),
                    ". ",
                ],
            },
            lang,
        )
        if seats:
            seats_text = nw.count(seats, nw.SEAT, lang, spell=False)
            para += _pick(
                {
                    "ru": [
                        f"На них в этом году {_ru_verb(seats, ALLOCATED)} ",
                        Fig(seats_text, v.new_specialties_trace),
                        ". ",
                    ],
                    "kk": ["Оларға биыл ", Fig(seats_text, v.new_specialties_trace), " бөлінді. "],
                    "en": ["They offer ", Fig(seats_text, v.new_specialties_trace), " this year. "],
                },
                lang,
            )
    for cen in v.centres:
        host: NamedItem | None = cen.extra.get("host")
        building = cen.extra.get("status") == "under_construction"
        if lang == "ru":
            verb = "создается" if building else "работает"
            lead = f"На базе {_quoted(host.name_ru)} {verb} " if host else f"{verb.capitalize()} "
            para += [lead, Fig(cen.name_ru, v.centres_trace), ". "]
        elif lang == "kk":
            verb = "құрылуда" if building else "жұмыс істейді"
            lead = f"{_quoted(host.name_kk)} базасында " if host else ""
            para += [lead, Fig(cen.name_kk, v.centres_trace), f" {verb}. "]
        else:
            verb = "is being set up" if building else "operates"
            tail = f" at {host.name_en}" if host else ""
            para += [Fig(cen.name_en, v.centres_trace), f" {verb}{tail}. "]
    if v.industries:
        inds = ", ".join(_lc_first(i.name(lang)) for i in v.industries)
        para += _pick(
            {
                "ru": [
                    "Дополнительно учебные заведения региона внедряют программы подготовки кадров "
                    "для отраслей: ",
                    Fig(inds, v.industries_trace),
                    ". ",
                ],
                "kk": [
                    "Сонымен қатар өңірдің оқу орындары мына салалар үшін кадр даярлау "
                    "бағдарламаларын енгізуде: ",
                    Fig(inds, v.industries_trace),
                    ". ",
                ],
                "en": [
                    "The region's colleges are also introducing training for: ",
                    Fig(inds, v.industries_trace),
                    ". ",
                ],
            },
            lang,
        )
    if v.planned_centres:
        prefix, topics = _common_prefix_split([c.name(lang) for c in v.planned_centres])
        hosts = v.planned_hosts
        if lang == "ru":
            adj = "действующего" if nw.ru_form_index(hosts) == 0 else "действующих"
            noun = nw.noun_for(hosts, nw.UNIVERSITY, "ru", "gen")
            uni = f"{nw.number(hosts, 'ru', 'gen')} {adj} {noun}"
            what = (
                f"центров компетенций {nw.join_list(topics, 'ru')}"
                if prefix
                else nw.join_list(topics, "ru")
            )
            para += [
                "В планах — создание на базе ",
                Fig(uni, v.planned_trace),
                " ",
                Fig(what, v.planned_trace),
                ". ",
            ]
        elif lang == "kk":
            uni = f"{nw.number(hosts, 'kk')} жұмыс істеп тұрған университет"
            what = nw.join_list([c.name("kk") for c in v.planned_centres], "kk")
            para += [
                "Жоспарда — ",
                Fig(uni, v.planned_trace),
                " базасында ",
                Fig(what, v.planned_trace),
                " құру. ",
            ]
        else:
            uni = nw.count(hosts, nw.UNIVERSITY, "en")
            what = nw.join_list([c.name("en") for c in v.planned_centres], "en")
            para += [
                "Planned: ",
                Fig(what, v.planned_trace),
                " at ",
                Fig(f"{uni} already operating", v.planned_trace),
                ". ",
            ]
    if para:
        s.paragraphs.append(para)
    return s


def universities(f: Facts, lang: Lang) -> Section:
    u = f.universities
    s = Section("universities", TITLES["universities"][lang])
    para: Paragraph = []
    by_inst: dict[str, list[NamedItem]] = {}
    insts: dict[str, NamedItem] = {}
    for item in u.launched:
        inst: NamedItem = item.extra["institution"]
        by_inst.setdefault(inst.name_ru, []).append(item)
        insts[inst.name_ru] = inst
    for key, items in by_inst.items():
        inst = insts[key]
        progs = nw.join_list([f"«{i.name(lang)}»" for i in items], lang)
        several = len(items) > 1
        if lang == "ru":
            verb = "запустил" if "университет" in inst.name_ru.lower() else "запустил(а)"
            word = "программам" if several else "программе"
            para += [
                f"В этом году {inst.name_ru} {verb} обучение по {word} ",
                Fig(progs, u.trace),
                ". ",
            ]
        elif lang == "kk":
            para += [
                f"Биыл {inst.name_kk} ",
                Fig(progs, u.trace),
                f" {'бағдарламалары' if several else 'бағдарламасы'} бойынша оқытуды бастады. ",
            ]
        else:
            para += [
                f"This year {inst.name_en} launched the programme{'s' if several else ''} ",
                Fig(progs, u.trace),
                ". ",
            ]
    if para:
        s.paragraphs.append(para)
    return s


# --- partnerships --------------------------------------------------------------------------


def partnerships(f: Facts, lang: Lang) -> Section:
    p = f.partnerships
    s = Section("partnerships", TITLES["partnerships"][lang])
    para: Paragraph = []
    for c in p.consortia:
        title = _quoted(c.title.name(lang))
        # the research topic is recorded in Russian; other languages use the groups' titles
        topics = [
            (g.extra.get("topic") if lang == "ru" else "") or g.name(lang).split(": ", 1)[-1]
            for g in c.groups
        ]
        topic_text = nw.join_list(sorted(set(topics)), lang)
        n = len(c.groups)
        if not n:
            continue
        if lang == "ru":
            para += [
                f"В рамках документа {title} формируются исследовательские группы (",
                Fig(nw.digits(n, "ru"), c.trace),
                f"): {topic_text}. ",
            ]
        elif lang == "kk":
            para += [
                f"{title} аясында зерттеу топтары құрылуда (",
                Fig(nw.digits(n, "kk"), c.trace),
                f"): {topic_text}. ",
            ]
        else:
            para += [
                f"Under {title}, research groups are being formed (",
                Fig(str(n), c.trace),
                f"): {topic_text}. ",
            ]
    for d in p.donations:
        noun = nw.CURRENCY_NOUNS.get(d.currency)
        amount = (
            nw.approx(d.amount, noun, lang)
            if noun
            else (f"{nw.approx(d.amount, None, lang)} {d.currency}")
        )
        kzt = ""
        if d.amount_kzt is not None and d.currency != "KZT":
            kzt = f" (≈ {nw.approx(d.amount_kzt, nw.TENGE, lang)})"
        who = partners_phrase(d.partner_countries, lang)
        rec = _quoted(d.recipient.name(lang)) if d.recipient else ""
        if lang == "ru":
            lead = f"Для проекта {rec} {who}" if rec else who.capitalize()
            para += [
                f"{lead} уже передали оборудование на сумму ",
                Fig(amount, d.trace),
                f"{kzt}. ",
            ]
        elif lang == "kk":
            lead = f"{rec} жобасы үшін {who}" if rec else who.capitalize()
            para += [f"{lead} ", Fig(amount, d.trace), f"{kzt} сомасына жабдық берді. "]
        else:
            lead = f"For {rec}, {who}" if rec else who.capitalize()
            para += [
                f"{lead} have already handed over equipment worth ",
                Fig(amount, d.trace),
                f"{kzt}. ",
            ]
    for w in p.workshops:
        para += _workshop(w, lang)
    if para:
        s.paragraphs.append(para)
    if p.students_total:
        n = p.students_total
        countries = len(p.students_by_country)
        top = ", ".join(
            f"{country_name(c, lang)} — {nw.digits(k, lang)}" for c, k in p.students_by_country
        )
        para2: Paragraph = _pick(
            {
                "ru": [
                    "Всего в учебных заведениях области обучаются ",
                    Fig(nw.count(n, nw.STUDENT, "ru", spell=False), p.students_trace),
                    " из ",
                    Fig(nw.count(countries, nw.COUNTRY, "ru", "gen"), p.students_trace),
                    f": {top}.",
                ],
                "kk": [
                    "Облыстың оқу орындарында барлығы ",
                    Fig(
                        f"{nw.number(countries, 'kk')} {nw.kk_suffix('ел', 'abl')}",
                        p.students_trace,
                    ),
                    " келген ",
                    Fig(f"{nw.digits(n, 'kk')} студент", p.students_trace),
                    f" оқиды: {top}.",
                ],
                "en": [
                    "In all, ",
                    Fig(nw.count(n, nw.STUDENT, "en", spell=False), p.students_trace),
                    " from ",
                    Fig(nw.count(countries, nw.COUNTRY, "en"), p.students_trace),
                    f" study in the region: {top}.",
                ],
            },
            lang,
        )
        s.paragraphs.append(para2)
    return s


def _workshop(w: object, lang: Lang) -> Paragraph:
    from .selectors import Workshop

    assert isinstance(w, Workshop)
    name = _quoted(w.name.name(lang))
    labs = len(w.labs)
    out: Paragraph = []
    if lang == "ru":
        verb = _ru_verb(labs, ("функционирует", "функционируют", "функционируют"))
        out += [
            f"Продолжается работа {name} — образовательного центра, где {verb} ",
            Fig(nw.count(labs, nw.LABORATORY, "ru"), w.labs_trace),
            ". ",
        ]
        if w.students:
            verb = _ru_verb(w.students, ("обучается", "обучаются", "обучаются"))
            out += [
                f"Здесь {verb} ",
                Fig(nw.count(w.students, nw.STUDENT, "ru", spell=False), w.students_trace),
                " из ",
                Fig(nw.count(len(w.countries), nw.COUNTRY, "ru", "gen"), w.students_trace),
            ]
        dual = nw.join_list([_ru_with(d.name_ru) for d in w.dual_partners], "ru")
        intern = nw.join_list([_ru_with(d.name_ru) for d in w.internship_partners], "ru")
        parts: Paragraph = []
        if dual:
            parts += ["реализуются дуальные программы с ", Fig(dual, w.agreements_trace)]
        if intern:
            parts += [
                " и " if dual else "",
                "стажировки совместно с ",
                Fig(intern, w.agreements_trace),
            ]
        if parts:
            out += [", " if w.students else "Здесь ", *parts]
        out.append(". ")
    elif lang == "kk":
        out += [
            f"{name} білім беру орталығы жұмысын жалғастыруда: мұнда ",
            Fig(f"{nw.number(labs, 'kk')} зертхана", w.labs_trace),
            " жұмыс істейді. ",
        ]
        if w.students:
            out += [
                "Мұнда ",
                Fig(
                    f"{nw.number(len(w.countries), 'kk')} {nw.kk_suffix('ел', 'abl')}",
                    w.students_trace,
                ),
                " келген ",
                Fig(f"{nw.digits(w.students, 'kk')} студент", w.students_trace),
                " білім алады. ",
            ]
        dual = nw.join_list([d.name_kk for d in w.dual_partners], "kk")
        intern = nw.join_list([d.name_kk for d in w.internship_partners], "kk")
        if dual:
            out += ["Дуальды бағдарламалар (", Fig(dual, w.agreements_trace), ")"]
        if intern:
            out += [
                " және тағылымдамалар (" if dual else "Тағылымдамалар (",
                Fig(intern, w.agreements_trace),
                ")",
            ]
        if dual or intern:
            out.append(" жүзеге асырылуда. ")
    else:
        out += [
            f"{name} continues its work: ",
            Fig(nw.count(labs, nw.LABORATORY, "en"), w.labs_trace),
            " operate there. ",
        ]
        if w.students:
            out += [
                Fig(nw.count(w.students, nw.STUDENT, "en", spell=False), w.students_trace),
                " from ",
                Fig(nw.count(len(w.countries), nw.COUNTRY, "en"), w.students_trace),
                " study here",
            ]
        dual = nw.join_list([d.name_en for d in w.dual_partners], "en")
        intern = nw.join_list([d.name_en for d in w.internship_partners], "en")
        if dual:
            out += ["; dual programmes run with ", Fig(dual, w.agreements_trace)]
        if intern:
            out += [
                " and internships with " if dual else "; internships with ",
                Fig(intern, w.agreements_trace),
            ]
        out.append(". ")
    return out


# --- since last year -----------------------------------------------------------------------

COMPARED: list[tuple[str, dict[Lang, str]]] = [
    (
        "schools_commissioned",
        {
            "ru": "введено школ",
            "kk": "пайдалануға берілген мектептер",
            "en": "schools commissioned",
        },
    ),
    (
        "places_commissioned",
        {"ru": "введено ученических мест", "kk": "оқушы орындары", "en": "pupil places added"},
    ),
    (
        "under_construction",
        {
            "ru": "школ строится",
            "kk": "салынып жатқан мектептер",
            "en": "schools under construction",
        },
    ),
    (
        "fund_children_helped",
        {
            "ru": "детей получили помощь фонда всеобуча",
            "kk": "жалпыға бірдей оқыту қорынан көмек алған балалар",
            "en": "children helped by the general-education fund",
        },
    ),
    (
        "fund_amount_paid",
        {
            "ru": "выплачено из фонда всеобуча, тенге",
            "kk": "жалпыға бірдей оқыту қорынан төленді, теңге",
            "en": "paid by the general-education fund, tenge",
        },
    ),
    (
        "transported",
        {
            "ru": "школьников на подвозе",
            "kk": "тасымалданатын оқушылар",
            "en": "pupils transported",
        },
    ),
    (
        "new_specialties",
        {
            "ru": "новых специальностей в колледжах",
            "kk": "колледждердегі жаңа мамандықтар",
            "en": "new college specialties",
        },
    ),
    (
        "university_programmes",
        {
            "ru": "новых университетских программ",
            "kk": "жаңа университет бағдарламалары",
            "en": "new university programmes",
        },
    ),
    (
        "foreign_students",
        {
            "ru": "иностранных студентов",
            "kk": "шетелдік студенттер",
            "en": "international students",
        },
    ),
    (
        "foreign_countries",
        {
            "ru": "стран, откуда приехали студенты",
            "kk": "студенттер келген елдер",
            "en": "students' countries",
        },
    ),
    (
        "deficit",
        {
            "ru": "дефицит ученических мест",
            "kk": "оқушы орындарының тапшылығы",
            "en": "deficit of pupil places",
        },
    ),
]


def headline(f: Facts) -> dict[str, int | None]:
    """The figures compared year on year (and listed in the XLSX summary); None where the
    year has no records of that family (not comparable, rather than zero)."""
    c = f.construction
    sp = f.support.available
    students = f.partnerships.students_total > 0
    return {
        "schools_commissioned": sum(r.count for r in c.commissioned),
        "places_commissioned": sum(r.places for r in c.commissioned),
        # the pipeline is a snapshot (today's stages), so it is not compared with last year
        "under_construction": c.under_construction_all if f.previous is not None else None,
        "fund_children_helped": f.support.fund_children_helped if sp else None,
        "fund_amount_paid": int(f.support.fund_amount_paid) if sp else None,
        "transported": f.support.transported if sp else None,
        "new_specialties": len(f.vocational.new_specialties),
        "university_programmes": len(f.universities.launched),
        "foreign_students": f.partnerships.students_total if students else None,
        "foreign_countries": len(f.partnerships.students_by_country) if students else None,
        "deficit": sum(int(r.values.get("after", 0)) for r in c.deficit) if c.deficit else None,
    }


def comparison(f: Facts, lang: Lang) -> Section | None:
    if f.previous is None:
        return None
    s = Section("comparison", TITLES["comparison"][lang])
    now, before = headline(f), headline(f.previous)
    grew = {"ru": "рост", "kk": "өсім", "en": "up"}[lang]
    fell = {"ru": "снижение", "kk": "төмендеу", "en": "down"}[lang]
    same = {"ru": "без изменений", "kk": "өзгеріссіз", "en": "unchanged"}[lang]
    last = {"ru": "в прошлом году", "kk": "өткен жылы", "en": "last year"}[lang]
    for key, label in COMPARED:
        a, b = now[key], before[key]
        if a is None or b is None or (a == 0 and b == 0):
            continue
        delta = a - b
        trend = (
            same
            if delta == 0
            else (
                f"{grew} +{nw.digits(delta, lang)}"
                if delta > 0
                else f"{fell} −{nw.digits(-delta, lang)}"
            )
        )
        s.paragraphs.append(
            [
                f"{label[lang].capitalize()}: {nw.digits(a, lang)} ({last} — "
                f"{nw.digits(b, lang)}; {trend})."
            ]
        )
    return s


def compose(f: Facts, lang: Lang) -> list[Section]:
    sections = [
        construction(f, lang),
        support(f, lang),
        vocational(f, lang),
        universities(f, lang),
        partnerships(f, lang),
    ]
    cmp = comparison(f, lang)
    if cmp is not None:
        sections.append(cmp)
    return [s for s in sections if s.paragraphs]


TITLE: dict[Lang, str] = {
    "ru": "Брифинг: образование региона в {y}/{y2} учебном году",
    "kk": "Брифинг: өңірдің білім беру саласы, {y}/{y2} оқу жылы",
    "en": "Briefing: the region's education in the {y}/{y2} school year",
}


def title(f: Facts, lang: Lang) -> str:
    return f"{f.region.name(lang)}. " + TITLE[lang].format(y=f.year, y2=str(f.year + 1)[-2:])


def segment_text(seg: Segment) -> str:
    return seg.text if isinstance(seg, Fig) else seg


def plain_text(f: Facts, lang: Lang) -> str:
    lines = [title(f, lang), ""]
    for sec in compose(f, lang):
        lines.append(sec.title)
        lines.append("")
        for para in sec.paragraphs:
            lines.append("".join(segment_text(s) for s in para).strip())
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def amount_exact(value: Decimal | int, lang: Lang) -> str:
    return nw.digits(value, lang, places=0)
