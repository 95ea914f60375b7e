"""The seed page's main article (``shared/seed``), verbatim in Russian; the Kazakh and English
versions are short synthetic summaries (``is_synthetic=True``)."""

from __future__ import annotations

BRIEFING_PARAGRAPHS_RU: tuple[str, ...] = (
    (
        "На брифинге в Службе центральных коммуникаций аким Восточно-Казахстанской области "
        "Нурымбет Сактаганов отметил, что модернизация социальной сферы остается важнейшим "
        "направлением повышения качества жизни населения. В регионе последовательно обновляются "
        "общественные пространства, устанавливаются современные детские и спортивные площадки, а "
        "также строятся новые школы и объекты здравоохранения."
    ),
    (
        "По национальному проекту «Келешек мектебі» в области уже построено семь современных школ"
        " на три тысячи мест. За счет местного бюджета введены еще три школы на 300 мест, а "
        "строительство семи школ продолжается. В рамках социального партнерства компания "
        "«Казцинк» возводит школу на 600 мест в городе Риддер."
    ),
    (
        "«Мы создаем инфраструктуру, которая делает образование доступным и современным, а "
        "социальные услуги — качественными и адресными», — подчеркнул аким."
    ),
    (
        "Регион усиливает меры социальной поддержки. В текущем году 19 тысяч детей из уязвимых "
        "категорий получили школьную форму и обувь. Все учащиеся начальных классов и дети из "
        "малообеспеченных семей обеспечены бесплатным питанием. В сельской местности организован "
        "подвоз 5 тысяч школьников, а в Усть-Каменогорске действует бесплатный проезд для всех "
        "учеников."
    ),
    (
        "Восточный Казахстан активно развивает профессиональное образование в соответствии с "
        "запросами рынка труда. Студенты колледжей проходят подготовку по новым специальностям — "
        "беспилотные системы, логистика, обслуживание воздушных судов, водный транспорт, защита в"
        " ЧС. На базе Усть-Каменогорского высшего политехнического колледжа создается Центр "
        "компетенций по IT-направлениям, оснащенный по международным стандартам."
    ),
    (
        "Дополнительно учебные заведения региона внедряют программы подготовки кадров для "
        "литиевого производства, химической промышленности, глубокой переработки "
        "сельхозпродукции, а также для отраслей туризма и гостеприимства. В планах — создание на "
        "базе трех действующих университетов центров компетенций по ядерным технологиям и "
        "биотехнологиям."
    ),
    (
        "В этом году Восточно-Казахстанский технический университет имени Серикбаева запустил "
        "обучение по программе «Эксплуатация атомной электростанции». В рамках меморандума о "
        "создании Казахстанско-германского университетского консорциума формируются "
        "исследовательские группы, которые будут внедрять немецкие технологии для глубокой "
        "переработки редких металлов. Параллельно реализуется проект «Казахстанский "
        "инжиниринговый центр интеллектуальных автомобильных технологий», для которого китайские "
        "партнеры уже передали оборудование почти на 4 млн юаней."
    ),
    (
        "Продолжается работа и «Мастерской Лу Бань» — образовательного центра, где функционируют "
        "четыре лаборатории по обслуживанию и эксплуатации электромобилей. Здесь обучаются 400 "
        "студентов из восьми стран, реализуются дуальные программы с заводом Allur и стажировки "
        "совместно с Astana Motors."
    ),
    (
        "По словам акима, Восточный Казахстан постепенно формирует новую модель развития — регион"
        " становится не только промышленным центром, но и территорией внедрения высоких "
        "технологий, научных разработок и современных образовательных программ, где знания и "
        "инновации находят прямое применение."
    ),
)
BRIEFING_RU = "\n\n".join(BRIEFING_PARAGRAPHS_RU)
TEASER_RU = BRIEFING_PARAGRAPHS_RU[0]

TITLE_KK = "Шығыс Қазақстанда жаңа мамандықтар мен білім беру бағдарламалары іске қосылуда"
TEASER_KK = (
    "Орталық коммуникациялар қызметіндегі брифингте облыс әкімі Нұрымбет Сақтағанов әлеуметтік "
    "саланы жаңғырту халықтың өмір сапасын арттырудың басты бағыты екенін атап өтті."
)
BODY_KK = (
    TEASER_KK
    + "\n\n«Келешек мектебі» ұлттық жобасы бойынша облыста үш мың орындық жеті заманауи мектеп "
    "салынды. Жергілікті бюджет есебінен тағы 300 орындық үш мектеп пайдалануға берілді, жеті "
    "мектептің құрылысы жалғасуда. «Қазмырыш» компаниясы Риддер қаласында 600 орындық мектеп "
    "салуда.\n\n(Қысқаша синтетикалық аударма; толық мәтін — орыс тілінде.)"
)

TITLE_EN = "East Kazakhstan launches new specialties and education programmes"
TEASER_EN = (
    "At a briefing at the Central Communications Service, the akim of East Kazakhstan region, "
    "Nurymbet Saktaganov, said that modernising the social sphere remains the key to a better "
    "quality of life."
)
BODY_EN = (
    TEASER_EN
    + "\n\nUnder the national project «Keleshek mektebi» the region has built seven modern "
    "schools with 3,000 places. The local budget has commissioned three more schools with 300 "
    "places, and seven schools are still under construction. Kazzinc is building a 600-place "
    "school in Ridder as a social partnership.\n\nNineteen thousand children from vulnerable "
    "families received school uniform and shoes this year; all primary pupils and children from "
    "low-income families get free meals; 5,000 rural pupils are driven to school, and all pupils "
    "ride Ust-Kamenogorsk's buses for free.\n\nColleges teach new specialties: unmanned systems, "
    "logistics, aircraft maintenance, water transport and emergency protection; an IT competence "
    "centre is being set up at the Ust-Kamenogorsk Higher Polytechnic College. Serikbayev East "
    "Kazakhstan Technical University launched the programme «Operation of nuclear power "
    "plants»; a Kazakh-German university consortium is forming research groups on the deep "
    "processing of rare metals; Chinese partners handed over equipment worth almost 4 million "
    "yuan to the Kazakh engineering centre for intelligent automotive technologies; the Lu Ban "
    "Workshop's four electric-vehicle laboratories train 400 students from eight countries.\n\n"
    "(A short synthetic translation; the full text is in Russian.)"
)
