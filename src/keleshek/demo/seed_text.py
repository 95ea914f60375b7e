"""The seed page's main article (``shared/seed``), verbatim in Russian, and whole translations
into Kazakh and English (``is_synthetic=True``: the seed has Russian only); the seed's news
feed, whose items the seed gives as teasers only, completed in Russian."""

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
BRIEFING_PARAGRAPHS_KK: tuple[str, ...] = (
    (
        "Орталық коммуникациялар қызметіндегі брифингте Шығыс Қазақстан облысының әкімі "
        "Нұрымбет Сақтағанов әлеуметтік саланы жаңғырту халықтың өмір сапасын арттырудың ең "
        "маңызды бағыты болып қала беретінін атап өтті. Өңірде қоғамдық кеңістіктер жүйелі түрде "
        "жаңартылып, заманауи балалар және спорт алаңдары орнатылуда, сондай-ақ жаңа мектептер "
        "мен денсаулық сақтау нысандары салынуда."
    ),
    (
        "«Келешек мектебі» ұлттық жобасы бойынша облыста үш мың орындық жеті заманауи мектеп "
        "салынды. Жергілікті бюджет есебінен тағы 300 орындық үш мектеп пайдалануға берілді, ал "
        "жеті мектептің құрылысы жалғасуда. Әлеуметтік серіктестік аясында «Қазмырыш» компаниясы "
        "Риддер қаласында 600 орындық мектеп салуда."
    ),
    (
        "«Біз білім беруді қолжетімді әрі заманауи, ал әлеуметтік қызметтерді сапалы әрі атаулы "
        "ететін инфрақұрылым жасап жатырмыз», — деді әкім."
    ),
    (
        "Өңір әлеуметтік қолдау шараларын күшейтуде. Биыл осал санаттағы 19 мың бала мектеп "
        "формасы мен аяқ киім алды. Бастауыш сыныптардың барлық оқушылары мен аз қамтылған "
        "отбасылардың балалары тегін тамақпен қамтамасыз етілген. Ауылдық жерлерде 5 мың "
        "оқушыны тасымалдау ұйымдастырылған, ал Өскеменде барлық оқушылар қоғамдық көлікте тегін "
        "жүреді."
    ),
    (
        "Шығыс Қазақстан кәсіптік білім беруді еңбек нарығының сұранысына сай белсенді дамытуда."
        " Колледж студенттері жаңа мамандықтар бойынша даярланады — ұшқышсыз жүйелер, логистика,"
        " әуе кемелеріне қызмет көрсету, су көлігі, төтенше жағдайлардан қорғау. Өскемен жоғары "
        "политехникалық колледжі базасында халықаралық стандарттарға сай жабдықталған IT "
        "бағыттары бойынша құзыреттер орталығы құрылуда."
    ),
    (
        "Бұдан бөлек, өңірдің оқу орындары литий өндірісі, химия өнеркәсібі, ауыл шаруашылығы "
        "өнімдерін терең өңдеу, сондай-ақ туризм және қонақжайлылық салалары үшін кадр даярлау "
        "бағдарламаларын енгізуде. Жоспарда — жұмыс істеп тұрған үш университет базасында ядролық"
        " технологиялар мен биотехнологиялар бойынша құзыреттер орталықтарын құру."
    ),
    (
        "Биыл Серікбаев атындағы Шығыс Қазақстан техникалық университеті «Атом электр "
        "станциясын пайдалану» бағдарламасы бойынша оқытуды бастады. Қазақстан-герман "
        "университеттік консорциумын құру туралы меморандум аясында сирек металдарды терең "
        "өңдеуге неміс технологияларын енгізетін зерттеу топтары құрылуда. Қатар «Қазақстандық "
        "зияткерлік автомобиль технологиялары инжинирингтік орталығы» жобасы жүзеге асырылуда, "
        "оған қытайлық серіктестер шамамен 4 млн юань тұратын жабдық берді."
    ),
    (
        "Электромобильдерге қызмет көрсету және оларды пайдалану бойынша төрт зертхана жұмыс "
        "істейтін «Лу Бань шеберханасы» білім беру орталығы да жұмысын жалғастыруда. Мұнда сегіз "
        "елден келген 400 студент оқиды, Allur зауытымен дуалды бағдарламалар және Astana Motors "
        "компаниясымен бірлесіп тағылымдамалар жүзеге асырылады."
    ),
    (
        "Әкімнің айтуынша, Шығыс Қазақстан біртіндеп дамудың жаңа моделін қалыптастыруда — өңір "
        "тек өнеркәсіп орталығы ғана емес, білім мен инновациялар тікелей қолданыс табатын жоғары"
        " технологиялар, ғылыми әзірлемелер және заманауи білім беру бағдарламаларын енгізу "
        "аумағына айналуда."
    ),
)
BODY_KK = "\n\n".join(BRIEFING_PARAGRAPHS_KK)
TEASER_KK = BRIEFING_PARAGRAPHS_KK[0]

TITLE_EN = "East Kazakhstan launches new specialties and education programmes"
BRIEFING_PARAGRAPHS_EN: tuple[str, ...] = (
    (
        "At a briefing at the Central Communications Service, the akim of East Kazakhstan region,"
        " Nurymbet Saktaganov, said that modernising the social sphere remains the most important"
        " way to raise the quality of life. The region is steadily renewing its public spaces, "
        "installing modern playgrounds and sports grounds, and building new schools and health "
        "facilities."
    ),
    (
        "Under the national project «Keleshek mektebi» the region has already built seven modern"
        " schools with 3,000 places. The local budget has commissioned three more schools with "
        "300 places, and seven schools are still under construction. As a social partnership, "
        "Kazzinc is building a 600-place school in the town of Ridder."
    ),
    (
        "“We are building infrastructure that makes education accessible and modern, and social"
        " services good and well targeted,” the akim stressed."
    ),
    (
        "The region is strengthening its social support. This year 19,000 children from "
        "vulnerable groups received school uniform and shoes. All primary pupils and children "
        "from low-income families get free meals. In the countryside 5,000 pupils are driven to"
        " school, and in Ust-Kamenogorsk all pupils ride public transport for free."
    ),
    (
        "East Kazakhstan is developing vocational education to match the labour market. College"
        " students train in new specialties: unmanned systems, logistics, aircraft maintenance, "
        "water transport and emergency protection. A competence centre for IT, equipped to "
        "international standards, is being set up at the Ust-Kamenogorsk Higher Polytechnic "
        "College."
    ),
    (
        "The region's colleges and universities are also introducing programmes that train staff"
        " for lithium production, the chemical industry, the deep processing of farm produce, "
        "and tourism and hospitality. Competence centres for nuclear technology and "
        "biotechnology are planned at three of the existing universities."
    ),
    (
        "This year Serikbayev East Kazakhstan Technical University began teaching the programme "
        "«Operation of nuclear power plants». Under a memorandum founding a Kazakh-German "
        "university consortium, research groups are being formed to bring German technology to "
        "the deep processing of rare metals. Alongside, the project «Kazakh engineering centre "
        "for intelligent automotive technologies» is under way; Chinese partners have already "
        "handed over equipment worth almost 4 million yuan for it."
    ),
    (
        "The Lu Ban Workshop, an education centre with four laboratories for the maintenance and"
        " operation of electric vehicles, continues its work. It trains 400 students from eight "
        "countries, runs dual programmes with the Allur plant and internships with Astana "
        "Motors."
    ),
    (
        "According to the akim, East Kazakhstan is gradually shaping a new model of development:"
        " the region is becoming not only an industrial centre but also a place where high "
        "technology, research and modern education programmes are put to work, and where "
        "knowledge and innovation find direct use."
    ),
)
BODY_EN = "\n\n".join(BRIEFING_PARAGRAPHS_EN)
TEASER_EN = BRIEFING_PARAGRAPHS_EN[0]

# The seed's news feed gives each item's first lines only (cut with "..."); the demo publishes
# each whole, in Russian only: the cut sentence completed and a closing line added (synthetic).
FEED_BODIES_RU: dict[str, str] = {
    "akim-maslenitsa-greeting": (
        "По всей области проходят праздничные гуляния: ярмарки, концерты, спортивные "
        "состязания, угощение блинами и традиционное сжигание чучела. Глава региона отметил, что"
        " Масленица объединяет восточноказахстанцев, укрепляет межнациональное согласие и "
        "уважение к традициям всех народов, живущих в области.\n\n"
        "Аким пожелал жителям региона мира, благополучия и хорошего весеннего настроения."
    ),
    "satpaev-why-now": (
        "Жителей Усть-Каменогорска просят отнестись с пониманием к временным изменениям "
        "движения на пересечении проспекта Сатпаева. Закрытие прямого проезда связано с началом "
        "одного из самых сложных этапов реконструкции перекрёстка.\n\n"
        "Строители пояснили, что работы начаты сейчас, чтобы завершить основную часть до начала "
        "летнего сезона. Схемы объезда размещены у места работ."
    ),
    "satpaev-roundabout-pilot": (
        "С 21 февраля в Усть-Каменогорске в пилотном режиме запускают круговое движение на "
        "пересечении проспекта Сатпаева с проспектом Есенберлина, улицами Жибек Жолы и "
        "Базовая.\n\n"
        "Водителей просят соблюдать знаки и разметку. По итогам пилотного периода схему "
        "движения оценят и при необходимости изменят."
    ),
    "metallurgists-constitution": (
        "«Мы, металлурги, не понаслышке знаем цену настоящей прочности и стабильности. Любая "
        "надежная конструкция начинается с качественного фундамента, и для нашего государства "
        "таким основанием становится Конституция».\n\n"
        "Трудовые коллективы металлургических предприятий области высказались в поддержку новой"
        " Конституции Казахстана."
    ),
}
