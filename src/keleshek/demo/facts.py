"""What the briefing (``shared/seed``) states, as plain data the loader turns into records.

Everything here is either a fact of the briefing (B1-B18 of DOMAIN.md) or a real name of the
region; the ``synthetic`` flags mark what was invented to make the fact concrete (a school's
settlement, a specialty code, an exchange rate...). See docs/adr/0020-demo-data.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .geography import UST_KAMENOGORSK

# --- Industries (code, ru, kk, en) -------------------------------------------------------------

INDUSTRIES: tuple[tuple[str, str, str, str], ...] = (
    ("it", "Информационные технологии", "Ақпараттық технологиялар", "Information technology"),
    ("logistics", "Логистика и транспорт", "Логистика және көлік", "Logistics and transport"),
    (
        "aviation",
        "Авиация и беспилотные системы",
        "Авиация және ұшқышсыз жүйелер",
        "Aviation and unmanned systems",
    ),
    ("water_transport", "Водный транспорт", "Су көлігі", "Water transport"),
    (
        "emergency",
        "Защита в чрезвычайных ситуациях",
        "Төтенше жағдайлардан қорғау",
        "Emergency protection",
    ),
    (
        "mining_metallurgy",
        "Горное дело и металлургия",
        "Тау-кен ісі және металлургия",
        "Mining and metallurgy",
    ),
    ("lithium", "Литиевое производство", "Литий өндірісі", "Lithium production"),
    ("chemicals", "Химическая промышленность", "Химия өнеркәсібі", "Chemical industry"),
    (
        "agro_processing",
        "Глубокая переработка сельхозпродукции",
        "Ауыл шаруашылығы өнімдерін терең өңдеу",
        "Deep processing of agricultural products",
    ),
    ("tourism", "Туризм и гостеприимство", "Туризм және қонақжайлылық", "Tourism and hospitality"),
    (
        "nuclear",
        "Атомная энергетика и ядерные технологии",
        "Атом энергетикасы",
        "Nuclear energy and technologies",
    ),
    (
        "automotive",
        "Автомобилестроение и электромобили",
        "Автомобиль жасау және электромобильдер",
        "Automotive and electric vehicles",
    ),
    ("energy", "Энергетика", "Энергетика", "Power engineering"),
    ("construction", "Строительство", "Құрылыс", "Construction"),
    ("education", "Образование", "Білім беру", "Education"),
    ("healthcare", "Здравоохранение", "Денсаулық сақтау", "Healthcare"),
    ("agriculture", "Сельское хозяйство", "Ауыл шаруашылығы", "Agriculture"),
    ("biotech", "Биотехнологии", "Биотехнологиялар", "Biotechnology"),
)


@dataclass(frozen=True)
class SpecialtyFact:
    code: str
    isced: int
    industry: str
    ru: str
    kk: str
    en: str
    qualification_ru: str = ""
    qualification_en: str = ""
    synthetic: bool = True  # the codes are plausible, not the official classifier's


# TVET (ISCED 3-5) and university (6-7) specialties. The names of B9, B11 and B13 come from the
# briefing; the codes are synthetic (format of the national classifiers, not verified).
SPECIALTIES: tuple[SpecialtyFact, ...] = (
    # B9: new college specialties
    SpecialtyFact(
        "07161910",
        4,
        "aviation",
        "Эксплуатация беспилотных авиационных систем",
        "Ұшқышсыз авиациялық жүйелерді пайдалану",
        "Operation of unmanned aircraft systems",
        "Оператор БАС",
        "UAS operator",
    ),
    SpecialtyFact(
        "10410300",
        4,
        "logistics",
        "Логистика (по отраслям)",
        "Логистика (салалар бойынша)",
        "Logistics (by industry)",
        "Логист",
        "Logistician",
    ),
    SpecialtyFact(
        "07161500",
        4,
        "aviation",
        "Техническое обслуживание воздушных судов",
        "Әуе кемелеріне техникалық қызмет көрсету",
        "Aircraft maintenance",
        "Техник по обслуживанию ВС",
        "Aircraft maintenance technician",
    ),
    SpecialtyFact(
        "10410700",
        4,
        "water_transport",
        "Эксплуатация водного транспорта",
        "Су көлігін пайдалану",
        "Water transport operation",
        "Техник-судоводитель",
        "Navigation technician",
    ),
    SpecialtyFact(
        "10320100",
        4,
        "emergency",
        "Защита в чрезвычайных ситуациях",
        "Төтенше жағдайларда қорғау",
        "Emergency protection",
        "Техник-спасатель",
        "Rescue technician",
    ),
    # B11: industries of the future
    SpecialtyFact(
        "07110400",
        4,
        "lithium",
        "Технология производства лития и его соединений",
        "Литий және оның қосылыстарын өндіру технологиясы",
        "Lithium and lithium compounds production",
        "Техник-технолог",
        "Process technician",
    ),
    SpecialtyFact(
        "07110200",
        4,
        "chemicals",
        "Химическая технология и производство",
        "Химиялық технология және өндіріс",
        "Chemical technology and production",
        "Техник-химик",
        "Chemical technician",
    ),
    SpecialtyFact(
        "07210300",
        4,
        "agro_processing",
        "Технология глубокой переработки сельхозпродукции",
        "Ауыл шаруашылығы өнімдерін терең өңдеу технологиясы",
        "Deep processing of agricultural products",
        "Техник-технолог",
        "Food process technician",
    ),
    SpecialtyFact(
        "10130100",
        4,
        "tourism",
        "Туризм и гостиничный бизнес",
        "Туризм және қонақ үй бизнесі",
        "Tourism and hotel business",
        "Менеджер по туризму",
        "Tourism manager",
    ),
    SpecialtyFact(
        "10130200",
        3,
        "tourism",
        "Организация обслуживания в гостиницах",
        "Қонақ үйлерде қызмет көрсетуді ұйымдастыру",
        "Hotel services",
        "Администратор гостиницы",
        "Hotel receptionist",
    ),
    # B13: nuclear power plant operation (university)
    SpecialtyFact(
        "6B07130",
        6,
        "nuclear",
        "Эксплуатация атомной электростанции",
        "Атом электр станциясын пайдалану",
        "Operation of nuclear power plants",
        "Бакалавр техники и технологий",
        "Bachelor of engineering",
    ),
    # B16: electric vehicles (Lu Ban Workshop)
    SpecialtyFact(
        "07161300",
        4,
        "automotive",
        "Техническое обслуживание и ремонт электромобилей",
        "Электромобильдерге техникалық қызмет көрсету және жөндеу",
        "Electric vehicle servicing and repair",
        "Техник-электромеханик",
        "EV technician",
    ),
    SpecialtyFact(
        "6B07160",
        6,
        "automotive",
        "Интеллектуальные автомобильные технологии",
        "Зияткерлік автомобиль технологиялары",
        "Intelligent automotive technologies",
        "Бакалавр техники и технологий",
        "Bachelor of engineering",
    ),
    # the rest of the classifier (synthetic codes, real professions of the region)
    SpecialtyFact(
        "06130100",
        4,
        "it",
        "Программное обеспечение",
        "Бағдарламалық қамтамасыз ету",
        "Software engineering",
        "Техник-программист",
        "Software technician",
    ),
    SpecialtyFact(
        "06120100",
        4,
        "it",
        "Вычислительная техника и информационные сети",
        "Есептеу техникасы және ақпараттық желілер",
        "Computer hardware and networks",
        "Техник по ИС",
        "Network technician",
    ),
    SpecialtyFact(
        "07240100",
        4,
        "mining_metallurgy",
        "Открытая разработка месторождений",
        "Кен орындарын ашық игеру",
        "Open-pit mining",
        "Горный техник",
        "Mining technician",
    ),
    SpecialtyFact(
        "07150200",
        4,
        "mining_metallurgy",
        "Металлургия цветных металлов",
        "Түсті металдар металлургиясы",
        "Non-ferrous metallurgy",
        "Техник-металлург",
        "Metallurgy technician",
    ),
    SpecialtyFact(
        "07130100",
        4,
        "energy",
        "Электроснабжение (по отраслям)",
        "Электрмен жабдықтау",
        "Power supply",
        "Техник-электрик",
        "Electrical technician",
    ),
    SpecialtyFact(
        "07320100",
        4,
        "construction",
        "Строительство и эксплуатация зданий и сооружений",
        "Ғимараттар мен құрылыстарды салу және пайдалану",
        "Construction and operation of buildings",
        "Техник-строитель",
        "Construction technician",
    ),
    SpecialtyFact(
        "07320700",
        3,
        "construction",
        "Сварочное дело",
        "Дәнекерлеу ісі",
        "Welding",
        "Электрогазосварщик",
        "Welder",
    ),
    SpecialtyFact(
        "07160100",
        3,
        "automotive",
        "Техническое обслуживание и ремонт автомобилей",
        "Автомобильдерге техникалық қызмет көрсету",
        "Car servicing and repair",
        "Автослесарь",
        "Car mechanic",
    ),
    SpecialtyFact(
        "01140100",
        4,
        "education",
        "Начальное образование",
        "Бастауыш білім беру",
        "Primary education",
        "Учитель начальных классов",
        "Primary teacher",
    ),
    SpecialtyFact(
        "09130100",
        4,
        "healthcare",
        "Сестринское дело",
        "Мейіргер ісі",
        "Nursing",
        "Медицинская сестра",
        "Nurse",
    ),
    SpecialtyFact(
        "08110100", 4, "agriculture", "Агрономия", "Агрономия", "Agronomy", "Агроном", "Agronomist"
    ),
    SpecialtyFact(
        "08410100",
        4,
        "agriculture",
        "Ветеринария",
        "Ветеринария",
        "Veterinary science",
        "Ветеринарный техник",
        "Veterinary technician",
    ),
    SpecialtyFact(
        "6B06101",
        6,
        "it",
        "Информационные системы",
        "Ақпараттық жүйелер",
        "Information systems",
        "Бакалавр",
        "Bachelor",
    ),
    SpecialtyFact(
        "6B07201",
        6,
        "mining_metallurgy",
        "Металлургия",
        "Металлургия",
        "Metallurgy",
        "Бакалавр",
        "Bachelor",
    ),
    SpecialtyFact(
        "6B07301",
        6,
        "construction",
        "Строительство",
        "Құрылыс",
        "Civil engineering",
        "Бакалавр",
        "Bachelor",
    ),
    SpecialtyFact(
        "6B07101",
        6,
        "energy",
        "Электроэнергетика",
        "Электр энергетикасы",
        "Electrical power engineering",
        "Бакалавр",
        "Bachelor",
    ),
    SpecialtyFact(
        "6B01301",
        6,
        "education",
        "Педагогика и методика начального обучения",
        "Бастауыш оқытудың педагогикасы мен әдістемесі",
        "Primary teacher education",
        "Бакалавр образования",
        "Bachelor of education",
    ),
    SpecialtyFact(
        "6B05101",
        6,
        "biotech",
        "Биотехнология",
        "Биотехнология",
        "Biotechnology",
        "Бакалавр",
        "Bachelor",
    ),
    SpecialtyFact("6B10301", 6, "tourism", "Туризм", "Туризм", "Tourism", "Бакалавр", "Bachelor"),
    SpecialtyFact(
        "7M07201",
        7,
        "mining_metallurgy",
        "Металлургия редких металлов",
        "Сирек металдар металлургиясы",
        "Rare-metal metallurgy",
        "Магистр",
        "Master",
    ),
    SpecialtyFact(
        "7M07130",
        7,
        "nuclear",
        "Ядерная энергетика",
        "Ядролық энергетика",
        "Nuclear power engineering",
        "Магистр",
        "Master",
    ),
)

B9_CODES = ("07161910", "10410300", "07161500", "10410700", "10320100")
B11_INDUSTRIES = ("lithium", "chemicals", "agro_processing", "tourism")
B13_CODE = "6B07130"


# --- Institutions named in the briefing or real in the region --------------------------------


@dataclass(frozen=True)
class InstitutionFact:
    key: str  # stable key inside the demo (the BIN is derived from it)
    kind: str
    ru: str
    kk: str
    en: str
    settlement: str  # KATO
    short: str = ""
    parent: str = ""
    status: str = "operating"
    ownership: str = "state"
    synthetic: bool = False
    opened_year: int | None = None


UK = UST_KAMENOGORSK

UNIVERSITIES: tuple[InstitutionFact, ...] = (
    InstitutionFact(
        "ektu",
        "university",
        "Восточно-Казахстанский технический университет имени Д. Серикбаева",
        "Д. Серікбаев атындағы Шығыс Қазақстан техникалық университеті",
        "D. Serikbayev East Kazakhstan Technical University",
        UK,
        "ВКТУ",
    ),
    InstitutionFact(
        "vku",
        "university",
        "Восточно-Казахстанский университет имени С. Аманжолова",
        "С. Аманжолов атындағы Шығыс Қазақстан университеті",
        "S. Amanzholov East Kazakhstan University",
        UK,
        "ВКУ",
    ),
    InstitutionFact(
        "kafu",
        "university",
        "Казахстанско-Американский свободный университет",
        "Қазақстан-Америка еркін университеті",
        "Kazakhstan-American Free University",
        UK,
        "КАСУ",
        ownership="private",
    ),
)

COLLEGES: tuple[InstitutionFact, ...] = (
    InstitutionFact(
        "ukvpk",
        "college",
        "Усть-Каменогорский высший политехнический колледж",
        "Өскемен жоғары политехникалық колледжі",
        "Ust-Kamenogorsk Higher Polytechnic College",
        UK,
        "УКВПК",
    ),
    # the other colleges: plausible names, marked synthetic
    InstitutionFact(
        "col-construction",
        "college",
        "Усть-Каменогорский строительный колледж",
        "Өскемен құрылыс колледжі",
        "Ust-Kamenogorsk Construction College",
        UK,
        synthetic=True,
    ),
    InstitutionFact(
        "col-medical",
        "college",
        "Восточно-Казахстанский высший медицинский колледж",
        "Шығыс Қазақстан жоғары медициналық колледжі",
        "East Kazakhstan Higher Medical College",
        UK,
        synthetic=True,
    ),
    InstitutionFact(
        "col-transport",
        "college",
        "Колледж транспорта и коммуникаций",
        "Көлік және коммуникациялар колледжі",
        "College of Transport and Communications",
        UK,
        synthetic=True,
    ),
    InstitutionFact(
        "col-pedagogical",
        "college",
        "Усть-Каменогорский педагогический колледж",
        "Өскемен педагогикалық колледжі",
        "Ust-Kamenogorsk Pedagogical College",
        UK,
        synthetic=True,
    ),
    InstitutionFact(
        "col-ridder",
        "college",
        "Риддерский горно-металлургический колледж",
        "Риддер тау-кен металлургия колледжі",
        "Ridder Mining and Metallurgy College",
        "632410000",
        synthetic=True,
    ),
    InstitutionFact(
        "col-altai",
        "college",
        "Алтайский технический колледж",
        "Алтай техникалық колледжі",
        "Altai Technical College",
        "634810100",
        synthetic=True,
    ),
    InstitutionFact(
        "col-glubokoe",
        "college",
        "Глубоковский аграрно-технический колледж",
        "Глубокое аграрлық-техникалық колледжі",
        "Glubokoe Agrarian Technical College",
        "634010100",
        synthetic=True,
    ),
    InstitutionFact(
        "col-zaysan",
        "college",
        "Зайсанский аграрно-технический колледж",
        "Зайсан аграрлық-техникалық колледжі",
        "Zaysan Agrarian Technical College",
        "634610100",
        synthetic=True,
    ),
    InstitutionFact(
        "col-shemonaikha",
        "college",
        "Шемонаихинский многопрофильный колледж",
        "Шемонаиха көпсалалы колледжі",
        "Shemonaikha Multidisciplinary College",
        "636810100",
        synthetic=True,
    ),
    InstitutionFact(
        "col-tourism",
        "college",
        "Колледж туризма и гостеприимства",
        "Туризм және қонақжайлылық колледжі",
        "College of Tourism and Hospitality",
        "635410100",
        synthetic=True,
    ),
)

# Units hosted by a college or university (B10, B12, B15, B16).
UNITS: tuple[InstitutionFact, ...] = (
    # B10: "создается" - being created, so under construction (equipped to international standards)
    InstitutionFact(
        "cc-it-ukvpk",
        "competence_centre",
        "Центр компетенций по IT-направлениям",
        "IT бағыттары бойынша құзыреттілік орталығы",
        "IT Competence Centre",
        UK,
        parent="ukvpk",
        status="under_construction",
    ),
    # B12: planned at three existing universities (which centre at which university: synthetic)
    InstitutionFact(
        "cc-nuclear-ektu",
        "competence_centre",
        "Центр компетенций по ядерным технологиям",
        "Ядролық технологиялар құзыреттілік орталығы",
        "Competence Centre for Nuclear Technologies",
        UK,
        parent="ektu",
        status="planned",
        synthetic=True,
    ),
    InstitutionFact(
        "cc-bio-vku",
        "competence_centre",
        "Центр компетенций по биотехнологиям",
        "Биотехнологиялар құзыреттілік орталығы",
        "Competence Centre for Biotechnologies",
        UK,
        parent="vku",
        status="planned",
        synthetic=True,
    ),
    InstitutionFact(
        "cc-nuclear-kafu",
        "competence_centre",
        "Центр компетенций по ядерным и биотехнологиям (КАСУ)",
        "Ядролық және биотехнологиялар құзыреттілік орталығы (ҚАЕУ)",
        "Competence Centre for Nuclear and Biotechnologies (KAFU)",
        UK,
        parent="kafu",
        status="planned",
        synthetic=True,
    ),
    # B15
    InstitutionFact(
        "kec-iat",
        "engineering_centre",
        "Казахстанский инжиниринговый центр интеллектуальных автомобильных технологий",
        "Зияткерлік автомобиль технологияларының қазақстандық инжиниринг орталығы",
        "Kazakh Engineering Centre for Intelligent Automotive Technologies",
        UK,
        parent="ektu",
    ),
    # B16 (host university: synthetic)
    InstitutionFact(
        "luban",
        "workshop",
        "Мастерская Лу Бань",
        "Лу Бань шеберханасы",
        "Lu Ban Workshop",
        UK,
        parent="ektu",
        opened_year=2023,
    ),
)

LUBAN_LABS: tuple[tuple[str, str, str], ...] = (
    (
        "Лаборатория диагностики электромобилей",
        "Электромобильдерді диагностикалау зертханасы",
        "EV diagnostics laboratory",
    ),
    (
        "Лаборатория тяговых батарей и зарядной инфраструктуры",
        "Тарту аккумуляторлары және зарядтау инфрақұрылымы зертханасы",
        "Traction batteries and charging laboratory",
    ),
    (
        "Лаборатория электропривода и силовой электроники",
        "Электр жетегі және күштік электроника зертханасы",
        "Electric drive and power electronics laboratory",
    ),
    (
        "Лаборатория эксплуатации и технического обслуживания электромобилей",
        "Электромобильдерді пайдалану және техникалық қызмет көрсету зертханасы",
        "EV operation and servicing laboratory",
    ),
)

# B16: 400 students from eight countries (the split by country is synthetic).
LUBAN_STUDENTS: tuple[tuple[str, int], ...] = (
    ("CN", 96),
    ("RU", 72),
    ("KG", 64),
    ("UZ", 58),
    ("TJ", 40),
    ("MN", 34),
    ("TM", 20),
    ("AF", 16),
)


# --- Partners and agreements -------------------------------------------------------------------

# code, kind, country, ru, kk, en, synthetic
PARTNERS: tuple[tuple[str, str, str, str, str, str, bool], ...] = (
    ("kazzinc", "company", "KZ", "ТОО «Казцинк»", "«Қазмырыш» ЖШС", "Kazzinc LLP", False),
    ("allur", "employer", "KZ", "Завод Allur", "Allur зауыты", "Allur plant", False),
    ("astana-motors", "employer", "KZ", "Astana Motors", "Astana Motors", "Astana Motors", False),
    (
        "ulba",
        "employer",
        "KZ",
        "АО «Ульбинский металлургический завод»",
        "«Үлбі металлургия зауыты» АҚ",
        "Ulba Metallurgical Plant JSC",
        True,
    ),
    (
        "freiberg",
        "university",
        "DE",
        "Горная академия Фрайберга",
        "Фрайберг тау-кен академиясы",
        "TU Bergakademie Freiberg",
        True,
    ),
    (
        "rwth",
        "university",
        "DE",
        "Рейнско-Вестфальский технический университет Ахена",
        "Ахен техникалық университеті",
        "RWTH Aachen University",
        True,
    ),
    (
        "cn-auto",
        "foreign_organisation",
        "CN",
        "Китайские партнёры проекта КИЦ ИАТ",
        "ҚИО ЗАТ жобасының қытайлық серіктестері",
        "Chinese partners of the KEC IAT project",
        True,
    ),
    (
        "cn-luban",
        "foreign_organisation",
        "CN",
        "Китайский партнёр Мастерской Лу Бань",
        "Лу Бань шеберханасының қытайлық серіктесі",
        "Chinese partner of the Lu Ban Workshop",
        True,
    ),
)


@dataclass(frozen=True)
class AgreementFact:
    code: str
    kind: str
    title_ru: str
    title_en: str
    institution: str  # institution key
    partners: tuple[str, ...]
    participants: tuple[str, ...] = ()
    parent: str = ""
    signed_on: dt.date | None = None
    topic: str = ""
    amount: Decimal | None = None
    currency: str = ""
    kzt_rate: Decimal | None = None
    rate_date: dt.date | None = None
    synthetic: bool = False


AGREEMENTS: tuple[AgreementFact, ...] = (
    # B14
    AgreementFact(
        "kz-de-consortium",
        "consortium",
        "Меморандум о создании Казахстанско-германского университетского консорциума",
        "Memorandum on the Kazakh-German university consortium",
        "ektu",
        ("freiberg", "rwth"),
        ("ektu", "vku"),
        signed_on=dt.date(2025, 10, 1),
        topic="немецкие технологии глубокой переработки редких металлов",
    ),
    AgreementFact(
        "kz-de-rg-tantalum",
        "research_group",
        "Исследовательская группа: глубокая переработка тантала и ниобия",
        "Research group: deep processing of tantalum and niobium",
        "ektu",
        ("freiberg",),
        parent="kz-de-consortium",
        signed_on=dt.date(2025, 11, 15),
        topic="глубокая переработка редких металлов",
        synthetic=True,
    ),
    AgreementFact(
        "kz-de-rg-rare-earths",
        "research_group",
        "Исследовательская группа: извлечение редкоземельных металлов из техногенного сырья",
        "Research group: rare-earth recovery from technogenic raw materials",
        "vku",
        ("rwth",),
        parent="kz-de-consortium",
        signed_on=dt.date(2025, 11, 15),
        topic="глубокая переработка редких металлов",
        synthetic=True,
    ),
    # B15: "almost 4 million yuan" -> 3,950,000 CNY; rate and date synthetic
    AgreementFact(
        "kec-iat-cn-equipment",
        "equipment_donation",
        "Передача оборудования для Казахстанского инжинирингового центра "
        "интеллектуальных автомобильных технологий",
        "Equipment for the Kazakh Engineering Centre for Intelligent Automotive Technologies",
        "kec-iat",
        ("cn-auto",),
        signed_on=dt.date(2025, 12, 10),
        amount=Decimal("3950000.00"),
        currency="CNY",
        kzt_rate=Decimal("72.1500"),
        rate_date=dt.date(2025, 12, 10),
    ),
    # B16
    AgreementFact(
        "luban-allur-dual",
        "dual_training",
        "Дуальное обучение с заводом Allur",
        "Dual training with the Allur plant",
        "luban",
        ("allur",),
        signed_on=dt.date(2025, 9, 1),
    ),
    AgreementFact(
        "luban-astana-motors-internship",
        "internship",
        "Стажировки в Astana Motors",
        "Internships at Astana Motors",
        "luban",
        ("astana-motors",),
        signed_on=dt.date(2025, 9, 1),
    ),
    AgreementFact(
        "luban-cn-cooperation",
        "cooperation",
        "Соглашение о Мастерской Лу Бань",
        "Lu Ban Workshop agreement",
        "luban",
        ("cn-luban",),
        signed_on=dt.date(2023, 6, 1),
        synthetic=True,
    ),
    # synthetic, region-typical
    AgreementFact(
        "ukvpk-kazzinc-dual",
        "dual_training",
        "Дуальное обучение с ТОО «Казцинк»",
        "Dual training with Kazzinc",
        "ukvpk",
        ("kazzinc",),
        signed_on=dt.date(2024, 8, 20),
        synthetic=True,
    ),
    AgreementFact(
        "col-ridder-kazzinc-dual",
        "dual_training",
        "Дуальное обучение горняков и металлургов с ТОО «Казцинк»",
        "Dual training of miners and metallurgists with Kazzinc",
        "col-ridder",
        ("kazzinc",),
        signed_on=dt.date(2024, 8, 20),
        synthetic=True,
    ),
    AgreementFact(
        "ektu-ulba-internship",
        "internship",
        "Стажировки на Ульбинском металлургическом заводе",
        "Internships at the Ulba Metallurgical Plant",
        "ektu",
        ("ulba",),
        signed_on=dt.date(2024, 9, 1),
        synthetic=True,
    ),
)


# --- Construction (B1-B4, B17) ------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectFact:
    code: str
    kind: str
    stage: str
    settlement: str
    places: int
    funding: tuple[tuple[str, Decimal], ...]
    ru: str
    en: str
    readiness: int = 0
    commissioned: dt.date | None = None
    planned: dt.date | None = None
    partner: str = ""
    relieves: int = 0  # how many of the most overcrowded schools in the same unit it relieves
    synthetic: bool = True  # the places per school, settlements and dates are not in the briefing


ONE = Decimal("1")
KM = (("keleshek_mektebi", ONE),)
LB = (("local_budget", ONE),)
RB = (("republican_budget", ONE),)


def _km(code: str, settlement: str, places: int, day: dt.date, ru: str, en: str) -> ProjectFact:
    return ProjectFact(
        code,
        "new_school",
        "commissioned",
        settlement,
        places,
        KM,
        ru,
        en,
        100,
        commissioned=day,
        planned=day,
    )


PROJECTS: tuple[ProjectFact, ...] = (
    # B1: seven Keleshek mektebi schools, 3,000 places
    _km(
        "km-uk-1200",
        UK,
        1200,
        dt.date(2025, 9, 1),
        "Школа на 1200 мест, мкр. Шыгыс",
        "1,200-place school, Shygys district",
    ),
    _km(
        "km-uk-600",
        UK,
        600,
        dt.date(2025, 9, 1),
        "Школа на 600 мест, пос. Оскемен-2",
        "600-place school, Oskemen-2",
    ),
    _km(
        "km-altai-300",
        "634810100",
        300,
        dt.date(2025, 9, 1),
        "Школа на 300 мест, г. Алтай",
        "300-place school, Altai",
    ),
    _km(
        "km-glubokoe-300",
        "634010100",
        300,
        dt.date(2025, 10, 15),
        "Школа на 300 мест, пос. Глубокое",
        "300-place school, Glubokoe",
    ),
    _km(
        "km-shemonaikha-300",
        "636810100",
        300,
        dt.date(2025, 11, 20),
        "Школа на 300 мест, г. Шемонаиха",
        "300-place school, Shemonaikha",
    ),
    _km(
        "km-zaysan-150",
        "634610100",
        150,
        dt.date(2025, 12, 5),
        "Школа на 150 мест, г. Зайсан",
        "150-place school, Zaysan",
    ),
    _km(
        "km-ulan-150",
        "636210100",
        150,
        dt.date(2025, 12, 20),
        "Школа на 150 мест, пос. Касыма Кайсенова",
        "150-place school, Kasym Kaysenov",
    ),
    # B2: three local-budget schools, 300 places
    ProjectFact(
        "lb-tarbagatai-150",
        "new_school",
        "commissioned",
        "635810100",
        150,
        LB,
        "Школа на 150 мест, с. Акжар",
        "150-place school, Akzhar",
        100,
        commissioned=dt.date(2025, 9, 1),
        planned=dt.date(2025, 9, 1),
    ),
    ProjectFact(
        "lb-kurchum-90",
        "new_school",
        "commissioned",
        "635210100",
        90,
        LB,
        "Школа на 90 мест, с. Курчум",
        "90-place school, Kurchum",
        100,
        commissioned=dt.date(2025, 10, 1),
        planned=dt.date(2025, 9, 1),
    ),
    ProjectFact(
        "lb-samar-60",
        "new_school",
        "commissioned",
        "635610100",
        60,
        LB,
        "Школа на 60 мест, с. Самарское",
        "60-place school, Samarskoye",
        100,
        commissioned=dt.date(2025, 11, 1),
        planned=dt.date(2025, 9, 1),
    ),
    # B3: seven still under construction (state funding; the split is synthetic)
    ProjectFact(
        "uc-uk-1500",
        "new_school",
        "under_construction",
        UK,
        1500,
        KM,
        "Школа на 1500 мест, пр. Сатпаева",
        "1,500-place school, Satpaev avenue",
        65,
        planned=dt.date(2026, 9, 1),
        relieves=2,
    ),
    ProjectFact(
        "uc-uk-1200",
        "new_school",
        "under_construction",
        UK,
        1200,
        KM,
        "Школа на 1200 мест, мкр. Согра",
        "1,200-place school, Sogra",
        40,
        planned=dt.date(2026, 12, 1),
        relieves=2,
    ),
    ProjectFact(
        "uc-uk-600",
        "new_school",
        "under_construction",
        UK,
        600,
        (("keleshek_mektebi", Decimal("0.8")), ("local_budget", Decimal("0.2"))),
        "Школа на 600 мест, пос. Ахмирово",
        "600-place school, Akhmirovo",
        55,
        planned=dt.date(2026, 9, 1),
        relieves=1,
    ),
    ProjectFact(
        "uc-altai-600",
        "new_school",
        "under_construction",
        "634810100",
        600,
        KM,
        "Школа на 600 мест, г. Алтай",
        "600-place school, Altai",
        30,
        planned=dt.date(2026, 12, 1),
        relieves=1,
    ),
    ProjectFact(
        "uc-glubokoe-300",
        "new_school",
        "under_construction",
        "634010200",
        300,
        RB,
        "Школа на 300 мест, пос. Белоусовка",
        "300-place school, Belousovka",
        70,
        planned=dt.date(2026, 9, 1),
        relieves=1,
    ),
    ProjectFact(
        "uc-shemonaikha-300",
        "new_school",
        "under_construction",
        "636810200",
        300,
        LB,
        "Школа на 300 мест, пос. Усть-Таловка",
        "300-place school, Ust-Talovka",
        45,
        planned=dt.date(2026, 9, 1),
    ),
    ProjectFact(
        "uc-katon-80",
        "new_school",
        "under_construction",
        "635410100",
        80,
        LB,
        "Школа на 80 мест, с. Катон-Карагай",
        "80-place school, Katon-Karagay",
        20,
        planned=dt.date(2027, 9, 1),
    ),
    # B4: the Kazzinc school in Ridder
    ProjectFact(
        "kazzinc-ridder-600",
        "new_school",
        "under_construction",
        "632410000",
        600,
        (("corporate_partner", ONE),),
        "Школа на 600 мест в г. Риддер (ТОО «Казцинк»)",
        "600-place school in Ridder (Kazzinc)",
        50,
        planned=dt.date(2026, 9, 1),
        partner="kazzinc",
        relieves=1,
    ),
    # pipeline (synthetic)
    ProjectFact(
        "pl-uk-extension-300",
        "extension",
        "design",
        UK,
        300,
        LB,
        "Пристройка на 300 мест к школе",
        "300-place extension",
        0,
        planned=dt.date(2027, 9, 1),
    ),
    ProjectFact(
        "pl-ulan-300",
        "new_school",
        "planned",
        "636210100",
        300,
        KM,
        "Школа на 300 мест (проект)",
        "300-place school (planned)",
        0,
        planned=dt.date(2027, 9, 1),
    ),
    ProjectFact(
        "cx-zaysan-100",
        "new_school",
        "cancelled",
        "634610200",
        100,
        LB,
        "Школа на 100 мест (отменён)",
        "100-place school (cancelled)",
        0,
    ),
)

# B17: social facilities renewed or built this year (counts synthetic); all local budget.
# kind, count, ru, en
SOCIAL_FACILITIES: tuple[tuple[str, int, str, str], ...] = (
    ("sports_ground", 6, "Спортивная площадка", "Sports ground"),
    ("children_ground", 8, "Детская площадка", "Children's playground"),
    ("clinic", 3, "Врачебная амбулатория", "Rural clinic"),
    ("public_space", 4, "Благоустройство общественного пространства", "Public space renewal"),
)


# --- News (B18) --------------------------------------------------------------------------------


MAIN_ARTICLE_TITLE = (
    "В Восточном Казахстане запускаются новые специальности и образовательные программы"
)

LATEST_ARTICLES: tuple[tuple[str, str, str, str, str, str], ...] = (
    # slug, published (ISO, Asia/Almaty), ru title, ru teaser, kk title, en title
    (
        "akim-maslenitsa-greeting",
        "2026-02-22T00:00:42",
        "Аким Восточно-Казахстанской области поздравил жителей региона с Масленицей",
        "По всей области проходят праздничные гуляния: ярмарки, концерты, спортивные состязания, "
        "угощение блинами и традиционное сжигание чучела. Глава региона отметил, что Масленица "
        "объединяет восточноказахстанцев, укрепляет межнациональное...",
        "Шығыс Қазақстан облысының әкімі өңір тұрғындарын Масленица мерекесімен құттықтады",
        "East Kazakhstan akim congratulates residents on Maslenitsa",
    ),
    (
        "satpaev-why-now",
        "2026-02-21T00:01:35",
        "Строители объяснили, почему движение на Сатпаева изменили именно сейчас",
        "Жителей Усть-Каменогорска просят отнестись с пониманием к временным изменениям движения "
        "на пересечении проспекта Сатпаева. Закрытие прямого проезда связано с началом одного из "
        "самых сложных...",
        "Құрылысшылар Сәтбаев даңғылындағы қозғалыстың неге дәл қазір өзгергенін түсіндірді",
        "Builders explain why traffic on Satpaev avenue changed now",
    ),
    (
        "satpaev-roundabout-pilot",
        "2026-02-20T10:00:00",
        "С завтрашнего дня на проспекте Сатпаева в пилотном режиме запустят движение по кольцу",
        "С 21 февраля в Усть-Каменогорске в пилотном режиме запускают круговое движение на "
        "пересечении проспекта Сатпаева с проспектом Есенберлина, ул. Жибек Жолы и Базовая ....",
        "Ертеңнен бастап Сәтбаев даңғылында сынақ режимінде айналма қозғалыс іске қосылады",
        "Pilot roundabout on Satpaev avenue from tomorrow",
    ),
    (
        "metallurgists-constitution",
        "2026-02-19T10:00:00",
        "Металлурги ВКО поддержали новую Конституцию Казахстана",
        "Мы, металлурги, не понаслышке знаем цену настоящей прочности и стабильности. Любая "
        "надежная конструкция начинается с качественного фундамента, и для нашего государства "
        "таким основанием становится...",
        "ШҚО металлургтері Қазақстанның жаңа Конституциясын қолдады",
        "East Kazakhstan metallurgists back the new Constitution",
    ),
)
