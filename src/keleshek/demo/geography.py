"""East Kazakhstan in its current borders: the KATO tree of the demo region.

Real: the oblast, its cities and districts with their names, KATO codes and centres
(approximate coordinates), the 2022 transfer of Semey, Kurchatov and eight districts to Abai
region with their old and new codes, Markakol and Ulken Naryn formed in 2022 (DOMAIN.md
section 2, ADR 0160).
Synthetic (``is_synthetic=True``): every rural okrug and village code, the grouping of villages
into okrugs and their coordinates (jittered deterministically around the district centre).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

OBLAST_KATO = "630000000"
UST_KAMENOGORSK_ADMIN = "631000000"
UST_KAMENOGORSK = "631010000"
RIDDER_ADMIN = "632400000"
RIDDER = "632410000"
ABAI_OBLAST_KATO = "100000000"
SPLIT_DATE = dt.date(2022, 6, 8)  # Abai region formed; its units left East Kazakhstan


@dataclass(frozen=True)
class Place:
    """A settlement: names ru / kk / en, urban, share of the unit's population."""

    ru: str
    kk: str
    en: str
    urban: bool = False
    weight: float = 1.0


@dataclass(frozen=True)
class Unit:
    """A district or a city administration with its settlements (the first is the centre)."""

    kato: str
    level: str  # "district" or "city"
    ru: str
    kk: str
    en: str
    lat: float
    lon: float
    population: int  # in the demo year
    places: tuple[Place, ...]
    synthetic_code: bool = False
    formed: dt.date | None = None  # units formed after the 1997 reform (Markakol, Ulken Naryn)
    rural_age_shift: float = 0.0  # rural districts are older: fewer children, more elderly
    extra: dict[str, str] = field(default_factory=dict)


def _p(ru: str, kk: str, en: str, urban: bool = False, weight: float = 1.0) -> Place:
    return Place(ru, kk, en, urban, weight)


UNITS: tuple[Unit, ...] = (
    Unit(
        UST_KAMENOGORSK_ADMIN,
        "city",
        "г.а. Усть-Каменогорск",
        "Өскемен қ.ә.",
        "Ust-Kamenogorsk city administration",
        49.948,
        82.628,
        372_000,
        (
            _p("Усть-Каменогорск", "Өскемен", "Ust-Kamenogorsk", True, 345),
            _p("Меновное", "Меновное", "Menovnoye", False, 9),
            _p("Ахмирово", "Ахмир", "Akhmirovo", False, 7),
            _p("Уварово", "Уварово", "Uvarovo", False, 5),
            _p("Старая Согра", "Ескі Согра", "Staraya Sogra", False, 6),
        ),
    ),
    Unit(
        RIDDER_ADMIN,
        "city",
        "г.а. Риддер",
        "Риддер қ.ә.",
        "Ridder city administration",
        50.344,
        83.512,
        54_500,
        (
            _p("Риддер", "Риддер", "Ridder", True, 48),
            _p("Поперечное", "Поперечное", "Poperechnoye", False, 2.5),
            _p("Бутаково", "Бутаково", "Butakovo", False, 2),
            _p("Ливино", "Ливино", "Livino", False, 2),
        ),
    ),
    Unit(
        "634000000",
        "district",
        "Глубоковский район",
        "Глубокое ауданы",
        "Glubokoe district",
        50.140,
        82.310,
        58_000,
        (
            _p("Глубокое", "Глубокое", "Glubokoe", True, 11),
            _p("Белоусовка", "Белоусовка", "Belousovka", True, 9),
            _p("Верхнеберёзовский", "Верхнеберезовский", "Verkhneberezovsky", True, 6),
            _p("Прапорщиково", "Прапорщиково", "Praporshchikovo", False, 4),
            _p("Бобровка", "Бобровка", "Bobrovka", False, 3),
            _p("Ушаново", "Ушанов", "Ushanovo", False, 3),
            _p("Секисовка", "Секисовка", "Sekisovka", False, 2.5),
            _p("Веселовка", "Веселовка", "Veselovka", False, 2),
            _p("Кожохово", "Кожохово", "Kozhokhovo", False, 2),
            _p("Тарханка", "Тарханка", "Tarkhanka", False, 2),
            _p("Кировское", "Кировское", "Kirovskoye", False, 1.5),
            _p("Черемшанка", "Черемшанка", "Cheremshanka", False, 1.5),
        ),
    ),
    Unit(
        "634800000",
        "district",
        "Алтайский район",
        "Алтай ауданы",
        "Altai district",
        49.722,
        84.275,
        60_500,
        (
            _p("Алтай", "Алтай", "Altai", True, 38),
            _p("Серебрянск", "Серебрянск", "Serebryansk", True, 8),
            _p("Новая Бухтарма", "Жаңа Бұқтырма", "Novaya Bukhtarma", True, 4),
            _p("Октябрьский", "Октябрь", "Oktyabrsky", True, 3),
            _p("Парыгино", "Парыгино", "Parygino", False, 2),
            _p("Соловьёво", "Соловьево", "Solovyovo", False, 1.5),
            _p("Маральиха", "Маральиха", "Maralikha", False, 1.5),
            _p("Никольск", "Никольск", "Nikolsk", False, 1),
            _p("Чапаево", "Чапаев", "Chapayevo", False, 1),
        ),
    ),
    Unit(
        "634600000",
        "district",
        "Зайсанский район",
        "Зайсан ауданы",
        "Zaysan district",
        47.470,
        84.870,
        36_000,
        (
            _p("Зайсан", "Зайсан", "Zaysan", True, 16),
            _p("Айнабулак", "Айнабұлақ", "Ainabulak", False, 3),
            _p("Карабулак", "Қарабұлақ", "Karabulak", False, 3),
            _p("Кенсай", "Кеңсай", "Kensai", False, 2.5),
            _p("Сарытерек", "Сарытерек", "Saryterek", False, 2.5),
            _p("Шиликти", "Шілікті", "Shilikti", False, 3),
            _p("Дайыр", "Дайыр", "Daiyr", False, 2),
            _p("Кайнар", "Қайнар", "Kainar", False, 2),
        ),
        rural_age_shift=0.05,
    ),
    Unit(
        "635400000",
        "district",
        "Катон-Карагайский район",
        "Катонқарағай ауданы",
        "Katon-Karagay district",
        49.170,
        85.610,
        12_500,
        (
            _p("Катон-Карагай", "Катонқарағай", "Katon-Karagay", False, 4),
            _p("Аксу", "Ақсу", "Aksu", False, 2),
            _p("Белкарагай", "Белқарағай", "Belkaragay", False, 2),
            _p("Урыль", "Өрел", "Uryl", False, 2),
            _p("Берель", "Берел", "Berel", False, 1),
            _p("Жамбыл", "Жамбыл", "Zhambyl", False, 1.5),
        ),
        rural_age_shift=0.1,
    ),
    Unit(
        "636300000",
        "district",
        "Улкен Нарынский район",
        "Үлкен Нарын ауданы",
        "Ulken Naryn district",
        49.210,
        84.510,
        14_000,
        (
            _p("Улкен Нарын", "Үлкен Нарын", "Ulken Naryn", False, 5),
            _p("Новопокровка", "Жаңа Покровка", "Novopokrovka", False, 2),
            _p("Солдатово", "Солдатово", "Soldatovo", False, 1.5),
            _p("Чингистай", "Шыңғыстай", "Chingistai", False, 2),
            _p("Енбек", "Еңбек", "Enbek", False, 1.5),
        ),
        formed=SPLIT_DATE,
        rural_age_shift=0.1,
    ),
    Unit(
        "635200000",
        "district",
        "Курчумский район",
        "Күршім ауданы",
        "Kurchum district",
        48.570,
        83.650,
        17_000,
        (
            _p("Курчум", "Күршім", "Kurchum", False, 5),
            _p("Каратогай", "Қаратоғай", "Karatogai", False, 2),
            _p("Калгутты", "Қалғұты", "Kalgutty", False, 1.5),
            _p("Маралды", "Маралды", "Maraldy", False, 2),
            _p("Сарыолен", "Сарыөлең", "Saryolen", False, 1.5),
            _p("Боран", "Боран", "Boran", False, 1.5),
        ),
        rural_age_shift=0.08,
    ),
    Unit(
        "635500000",
        "district",
        "Маркакольский район",
        "Марқакөл ауданы",
        "Markakol district",
        48.960,
        85.570,
        11_000,
        (
            _p("Теректы", "Теректі", "Terekty", False, 4),
            _p("Урунхайка", "Ұраңқай", "Urunkhaika", False, 2),
            _p("Еспе", "Еспе", "Espe", False, 1.5),
            _p("Тополевка", "Тополевка", "Topolevka", False, 1.5),
        ),
        formed=SPLIT_DATE,
        rural_age_shift=0.1,
    ),
    Unit(
        "635600000",
        "district",
        "Самарский район",
        "Самар ауданы",
        "Samar district",
        49.030,
        83.350,
        13_000,
        (
            _p("Самарское", "Самар", "Samarskoye", False, 5),
            _p("Кулуджун", "Құлыжұн", "Kuludzhun", False, 2),
            _p("Палатцы", "Палатцы", "Palattsy", False, 1.5),
            _p("Бастау", "Бастау", "Bastau", False, 1.5),
            _p("Миролюбовка", "Миролюбовка", "Mirolyubovka", False, 1),
        ),
        rural_age_shift=0.08,
    ),
    Unit(
        "635800000",
        "district",
        "Тарбагатайский район",
        "Тарбағатай ауданы",
        "Tarbagatai district",
        47.610,
        83.700,
        30_000,
        (
            _p("Акжар", "Ақжар", "Akzhar", False, 6),
            _p("Кабанбай", "Қабанбай", "Kabanbai", False, 3),
            _p("Кызылкесик", "Қызылкесік", "Kyzylkesik", False, 3),
            _p("Киндикты", "Кіндікті", "Kindikty", False, 2),
            _p("Уш-Биик", "Үшбиік", "Ush-Biik", False, 2),
            _p("Жанаауыл", "Жаңаауыл", "Zhanaauyl", False, 2),
            _p("Акжол", "Ақжол", "Akzhol", False, 1.5),
        ),
        rural_age_shift=-0.05,
    ),
    Unit(
        "636200000",
        "district",
        "Уланский район",
        "Ұлан ауданы",
        "Ulan district",
        49.640,
        82.900,
        34_000,
        (
            _p("Касыма Кайсенова", "Қасым Қайсенов", "Kasym Kaysenov", True, 7),
            _p("Таврическое", "Таврия", "Tavricheskoye", False, 4),
            _p("Огнёвка", "Огневка", "Ognevka", True, 3),
            _p("Асубулак", "Асубұлақ", "Asubulak", True, 3),
            _p("Азовое", "Азовое", "Azovoye", False, 2),
            _p("Привольное", "Привольное", "Privolnoye", False, 2),
            _p("Герасимовка", "Герасимовка", "Gerasimovka", False, 1.5),
            _p("Саратовка", "Саратовка", "Saratovka", False, 1.5),
        ),
    ),
    Unit(
        "636800000",
        "district",
        "Шемонаихинский район",
        "Шемонаиха ауданы",
        "Shemonaikha district",
        50.630,
        81.910,
        42_000,
        (
            _p("Шемонаиха", "Шемонаиха", "Shemonaikha", True, 17),
            _p("Усть-Таловка", "Усть-Таловка", "Ust-Talovka", True, 5),
            _p("Первомайский", "Первомайский", "Pervomaisky", True, 3),
            _p("Верх-Уба", "Верх-Уба", "Verkh-Uba", False, 2),
            _p("Выдриха", "Выдриха", "Vydrikha", False, 2),
            _p("Камышенка", "Камышенка", "Kamyshenka", False, 1.5),
            _p("Рулиха", "Рулиха", "Rulikha", False, 1.5),
            _p("Волчанка", "Волчанка", "Volchanka", False, 1),
        ),
    ),
)

# Units that left East Kazakhstan for Abai region on 8 June 2022 (DOMAIN.md section 2). Each
# keeps its old code with valid_to and points at its successor under Abai region (code 10).
HISTORIC: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    # old kato, level, ru, kk, en, successor kato, successor level
    (
        "632800000",
        "city",
        "г.а. Семей",
        "Семей қ.ә.",
        "Semey city administration",
        "101000000",
        "city",
    ),
    (
        "632200000",
        "city",
        "г.а. Курчатов",
        "Курчатов қ.ә.",
        "Kurchatov city administration",
        "101800000",
        "city",
    ),
    (
        "633200000",
        "district",
        "Абайский район",
        "Абай ауданы",
        "Abai district",
        "103200000",
        "district",
    ),
    (
        "633400000",
        "district",
        "Аягозский район",
        "Аягөз ауданы",
        "Ayagoz district",
        "103600000",
        "district",
    ),
    (
        "633600000",
        "district",
        "Бескарагайский район",
        "Бесқарағай ауданы",
        "Beskaragay district",
        "103800000",
        "district",
    ),
    (
        "633800000",
        "district",
        "Бородулихинский район",
        "Бородулиха ауданы",
        "Borodulikha district",
        "104000000",
        "district",
    ),
    (
        "634400000",
        "district",
        "Жарминский район",
        "Жарма ауданы",
        "Zharma district",
        "104200000",
        "district",
    ),
    (
        "635000000",
        "district",
        "Кокпектинский район",
        "Көкпекті ауданы",
        "Kokpekty district",
        "104400000",
        "district",
    ),
    (
        "636400000",
        "district",
        "Урджарский район",
        "Үржар ауданы",
        "Urzhar district",
        "104600000",
        "district",
    ),
)

# Units of Abai region formed on 8 June 2022 with no East Kazakhstan predecessor of their own:
# Aksuat (re-formed; it was no district of East Kazakhstan in 2022) and Makanchi (new).
ABAI_NEW: tuple[tuple[str, str, str, str, str], ...] = (
    ("103400000", "district", "Аксуатский район", "Ақсуат ауданы", "Aksuat district"),
    ("104500000", "district", "Маканчинский район", "Мақаншы ауданы", "Makanchi district"),
)

# --- Villages below the named places (synthetic, ADR 0164) -------------------------------------
# East Kazakhstan's districts hold many more villages than the places named above: most of them
# a few hundred people with a small school (малокомплектная) of a few dozen pupils, or none.
# The demo adds this many synthetic villages to each district, grouped into rural okrugs of one
# to four, named from the common village names of the region below.
EXTRA_VILLAGES: dict[str, int] = {
    "634000000": 40,  # Glubokoe
    "634800000": 34,  # Altai
    "634600000": 26,  # Zaysan
    "635400000": 22,  # Katon-Karagay
    "636300000": 14,  # Ulken Naryn
    "635200000": 24,  # Kurchum
    "635500000": 14,  # Markakol
    "635600000": 19,  # Samar
    "635800000": 30,  # Tarbagatai
    "636200000": 28,  # Ulan
    "636800000": 30,  # Shemonaikha
}
# Districts whose villages carry Russian names as often as Kazakh ones (the north and west).
RUSSIAN_NAMED: dict[str, float] = {
    "634000000": 0.7,
    "636800000": 0.7,
    "634800000": 0.6,
    "636200000": 0.5,
    "635600000": 0.4,
}
KAZAKH_VILLAGES: tuple[tuple[str, str, str], ...] = (
    ("Акбулак", "Ақбұлақ", "Akbulak"),
    ("Карасу", "Қарасу", "Karasu"),
    ("Коктерек", "Көктерек", "Kokterek"),
    ("Жанатилек", "Жаңатілек", "Zhanatilek"),
    ("Бирлик", "Бірлік", "Birlik"),
    ("Жанаталап", "Жаңаталап", "Zhanatalap"),
    ("Талдыбулак", "Талдыбұлақ", "Taldybulak"),
    ("Караой", "Қараой", "Karaoi"),
    ("Сарыбулак", "Сарыбұлақ", "Sarybulak"),
    ("Акжайлау", "Ақжайлау", "Akzhailau"),
    ("Кокжыра", "Көкжыра", "Kokzhyra"),
    ("Жалгызагаш", "Жалғызағаш", "Zhalgyzagash"),
    ("Кызылту", "Қызылту", "Kyzyltu"),
    ("Токтамыс", "Тоқтамыс", "Toktamys"),
    ("Аккайнар", "Аққайнар", "Akkainar"),
    ("Калжыр", "Қалжыр", "Kalzhyr"),
    ("Сартерек", "Сартерек", "Sarterek"),
    ("Ойшилик", "Ойшілік", "Oishilik"),
    ("Енбекши", "Еңбекші", "Enbekshi"),
    ("Тугыл", "Тұғыл", "Tugyl"),
    ("Актобе", "Ақтөбе", "Aktobe"),
    ("Алгабас", "Алғабас", "Algabas"),
    ("Жетиарал", "Жетіарал", "Zhetiaral"),
    ("Кайнарлы", "Қайнарлы", "Kainarly"),
    ("Караколь", "Қаракөл", "Karakol"),
    ("Тасбулак", "Тасбұлақ", "Tasbulak"),
    ("Узынбулак", "Ұзынбұлақ", "Uzynbulak"),
    ("Сулусай", "Сұлусай", "Sulusai"),
    ("Акжал", "Ақжал", "Akzhal"),
    ("Шубар", "Шұбар", "Shubar"),
    ("Коктал", "Көктал", "Koktal"),
    ("Айшуак", "Айшуақ", "Aishuak"),
    ("Косагаш", "Қосағаш", "Kosagash"),
    ("Бестерек", "Бестерек", "Besterek"),
    ("Ортатобе", "Ортатөбе", "Ortatobe"),
    ("Жайма", "Жайма", "Zhaima"),
    ("Ескене", "Ескене", "Eskene"),
    ("Сулыкайын", "Сұлуқайың", "Sulukaiyn"),
    ("Кумколь", "Құмкөл", "Kumkol"),
    ("Каратал", "Қаратал", "Karatal"),
)
RUSSIAN_VILLAGES: tuple[tuple[str, str, str], ...] = (
    ("Александровка", "Александровка", "Aleksandrovka"),
    ("Берёзовка", "Березовка", "Beryozovka"),
    ("Николаевка", "Николаевка", "Nikolayevka"),
    ("Михайловка", "Михайловка", "Mikhailovka"),
    ("Ивановка", "Ивановка", "Ivanovka"),
    ("Петропавловка", "Петропавловка", "Petropavlovka"),
    ("Сосновка", "Сосновка", "Sosnovka"),
    ("Васильевка", "Васильевка", "Vasilyevka"),
    ("Каменка", "Каменка", "Kamenka"),
    ("Быструха", "Быструха", "Bystrukha"),
    ("Малоубинка", "Малоубинка", "Maloubinka"),
    ("Новотроицкое", "Новотроицкое", "Novotroitskoye"),
    ("Красноярка", "Красноярка", "Krasnoyarka"),
    ("Предгорное", "Предгорное", "Predgornoye"),
    ("Опытное Поле", "Опытное Поле", "Opytnoye Pole"),
    ("Вавилонское", "Вавилонское", "Vavilonskoye"),
    ("Зубовка", "Зубовка", "Zubovka"),
    ("Пихтовка", "Пихтовка", "Pikhtovka"),
    ("Лесная Пристань", "Лесная Пристань", "Lesnaya Pristan"),
    ("Бородино", "Бородино", "Borodino"),
    ("Заречное", "Заречное", "Zarechnoye"),
    ("Октябрьское", "Октябрьское", "Oktyabrskoye"),
    ("Покровка", "Покровка", "Pokrovka"),
    ("Степное", "Степное", "Stepnoye"),
    ("Луговое", "Луговое", "Lugovoye"),
    ("Никитинка", "Никитинка", "Nikitinka"),
    ("Солнечное", "Солнечное", "Solnechnoye"),
    ("Самсоновка", "Самсоновка", "Samsonovka"),
    ("Кутиха", "Кутиха", "Kutikha"),
    ("Мариновка", "Мариновка", "Marinovka"),
    ("Белокаменка", "Белокаменка", "Belokamenka"),
    ("Орловка", "Орловка", "Orlovka"),
    ("Сенное", "Сенное", "Sennoye"),
    ("Ульба", "Үлбі", "Ulba"),
    ("Кордон", "Кордон", "Kordon"),
    ("Снегирёво", "Снегирево", "Snegiryovo"),
)
