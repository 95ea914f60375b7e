"""The demo region: every briefing fact B1-B18 is present as records; loading is idempotent."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from keleshek.accounts.models import Role, User
from keleshek.construction.models import Project
from keleshek.core.ids import is_valid_bin, parse_kato
from keleshek.demo import facts
from keleshek.demo.loader import DEMO_YEAR, POPULATION_YEARS, load_demo
from keleshek.demo.users import DEMO_PASSWORD
from keleshek.institutions.models import Enrolment, Institution, InstitutionYear, Laboratory
from keleshek.news.models import Article
from keleshek.partnerships.models import Agreement, InternationalStudents, Partner
from keleshek.programmes.models import LabourDemand, Offering, Specialty
from keleshek.territory.models import PopulationRecord, Territory

pytestmark = [pytest.mark.django_db, pytest.mark.demo]  # reads the demo region

KEY_FIELDS: dict[type, tuple[str, ...]] = {
    Territory: ("kato", "level", "name_ru", "parent__kato", "path", "valid_to", "successor__kato"),
    PopulationRecord: ("territory__kato", "year", "age", "sex", "count"),
    Institution: (
        "bin",
        "kind",
        "name_ru",
        "settlement__kato",
        "parent__bin",
        "design_capacity",
        "shifts",
        "is_emergency",
        "is_three_shift",
        "status",
        "maintenance_budget",
    ),
    InstitutionYear: (
        "institution__bin",
        "year",
        "design_capacity",
        "pupils_shift1",
        "pupils_shift2",
        "pupils_shift3",
        "teachers_fte",
    ),
    Enrolment: ("institution__bin", "year", "grade", "sex", "count"),
    Laboratory: ("institution__bin", "name_ru"),
    Specialty: ("code", "isced_level", "industry__code"),
    Offering: (
        "institution__bin",
        "specialty__code",
        "year",
        "language",
        "launch_year",
        "enrolled",
    ),
    LabourDemand: ("specialty__code", "year", "demand"),
    Partner: ("code", "kind", "country"),
    Agreement: ("code", "kind", "amount", "currency", "kzt_rate", "parent__code"),
    InternationalStudents: ("institution__bin", "year", "country", "count"),
    Project: (
        "code",
        "kind",
        "stage",
        "places",
        "planned_cost",
        "actual_commissioning",
        "institution__bin",
    ),
    Article: ("slug", "language", "title", "published_at"),
    User: ("username", "role", "territory__kato", "institution__bin", "password"),
}


def checksum() -> dict[str, tuple[int, str]]:
    out = {}
    for model, fields in KEY_FIELDS.items():
        rows = model.objects.order_by(*fields).values_list(*fields)
        digest = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
        out[model.__name__] = (model.objects.count(), digest)
    out["relieves"] = (Project.relieves.through.objects.count(), "")
    out["agreement partners"] = (Agreement.partners.through.objects.count(), "")
    return out


def test_loading_twice_changes_nothing_and_prints_logins():
    # given the demo loaded once by the session fixture
    before = checksum()
    # when it is loaded again through the command
    out = io.StringIO()
    call_command("demo", "--core-only", stdout=out)  # the extensions test their own reloads
    # then no key field changed and the logins are printed
    assert checksum() == before
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    for username in (
        "admin",
        "analyst",
        "district",
        "operator",
        "support",
        "transport",
        "auditor",
        "integrator",
    ):
        assert f"  {username} " in text


def test_load_demo_returns_its_counts():
    summary = load_demo(extensions=False)
    assert summary.counts["schools"] == Institution.objects.filter(kind="school").count()
    assert summary.counts["population_records"] == PopulationRecord.objects.count()


def test_pupils_total_is_that_of_the_real_oblast():
    pupils = InstitutionYear.objects.filter(year=DEMO_YEAR, institution__kind="school")
    total = sum(y.pupils for y in pupils)
    assert 110_000 <= total <= 130_000
    # enrolment by grade and sex adds up to the shifts, school by school
    by_school = dict(
        Enrolment.objects.filter(year=DEMO_YEAR, institution__kind="school")
        .values_list("institution_id")
        .annotate(n=Sum("count"))
    )
    assert {y.institution_id: y.pupils for y in pupils} == by_school


def test_every_school_has_a_budget_a_valid_bin_and_a_year():
    schools = Institution.objects.filter(kind="school")
    assert schools.count() >= 150
    assert not schools.filter(maintenance_budget__isnull=True).exists()
    assert all(is_valid_bin(b) for b in Institution.objects.values_list("bin", flat=True) if b)
    assert not schools.exclude(years__year=DEMO_YEAR).exists()
    with_previous = schools.filter(years__year=DEMO_YEAR - 1).count()
    assert with_previous == schools.count() - 10  # the ten schools opened this year
    conditions = InstitutionYear.objects.filter(year=DEMO_YEAR, institution__kind="school")
    assert 3 <= conditions.filter(is_three_shift=True, pupils_shift3__gt=0).count() <= 5
    assert 1 <= conditions.filter(is_emergency=True).count() <= 6
    # the flags are independent: a three-shift school in emergency condition
    assert conditions.filter(is_emergency=True, is_three_shift=True).exists()
    overcrowded = [y for y in conditions if y.pupils > y.design_capacity]
    assert len(overcrowded) >= 10


def test_population_pyramid_by_single_age_and_sex_for_six_years():
    oblast = Territory.objects.get(kato="630000000")
    qs = PopulationRecord.objects.filter(territory__path__startswith=oblast.path)
    assert sorted(qs.values_list("year", flat=True).distinct()) == list(POPULATION_YEARS)
    assert set(qs.values_list("age", flat=True).distinct()) == set(range(101))
    total = qs.filter(year=DEMO_YEAR).aggregate(n=Sum("count"))["n"]
    assert 700_000 <= total <= 800_000  # East Kazakhstan in its borders since 2022
    # a cohort ages: the 6-year-olds of 2024 are about the 7-year-olds of 2025
    six = qs.filter(year=DEMO_YEAR - 1, age=6).aggregate(n=Sum("count"))["n"]
    seven = qs.filter(year=DEMO_YEAR, age=7).aggregate(n=Sum("count"))["n"]
    assert abs(six - seven) / six < 0.03
    # every settlement with people has coordinates within the oblast
    for t in Territory.objects.filter(level="settlement", path__startswith=oblast.path):
        assert 46.5 <= t.lat <= 51.5, t.name_en
        assert 80 <= t.lon <= 87.5, t.name_en


def test_territory_tree_and_2022_versioning():
    oblast = Territory.objects.get(kato="630000000")
    assert Territory.objects.get(kato="631000000").parent == oblast
    city = Territory.objects.get(kato="631010000")
    assert city.name_en == "Ust-Kamenogorsk"
    assert city.is_urban
    assert city.path == "/630000000/631000000/631010000/"
    districts = set(
        Territory.objects.filter(parent=oblast, valid_to__isnull=True).values_list(
            "name_en", flat=True
        )
    )
    for name in (
        "Altai district",
        "Glubokoe district",
        "Zaysan district",
        "Katon-Karagay district",
        "Kurchum district",
        "Samar district",
        "Tarbagatai district",
        "Ulan district",
        "Shemonaikha district",
        "Ulken Naryn district",
        "Markakol district",
        "Ridder city administration",
        "Ust-Kamenogorsk city administration",
    ):
        assert name in districts
    semey = Territory.objects.get(name_en="Semey city administration", parent=oblast)
    assert semey.valid_to == dt.date(2022, 6, 8)
    assert semey.successor is not None
    assert semey.successor.kato.startswith("10")
    # Semey, Kurchatov and seven districts (Aksuat was re-formed in Abai region, ADR 0160)
    assert Territory.objects.filter(parent=oblast, valid_to=dt.date(2022, 6, 8)).count() == 9
    for t in Territory.objects.all():
        parse_kato(t.kato)
        assert t.path == (t.parent.path if t.parent else "/") + f"{t.kato}/"


def test_b1_b2_b3_b4_construction():
    def school_projects(stage, source):
        return Project.objects.filter(kind="new_school", stage=stage, funding__source=source)

    km = school_projects("commissioned", "keleshek_mektebi")
    assert km.count() == 7
    assert sum(p.places for p in km) == 3000
    assert all(p.institution and p.institution.design_capacity == p.places for p in km)
    assert all(p.actual_commissioning.year in (2025, 2026) for p in km)
    local = school_projects("commissioned", "local_budget")
    assert (local.count(), sum(p.places for p in local)) == (3, 300)
    building = Project.objects.filter(kind="new_school", stage="under_construction")
    kazzinc = building.get(partner__code="kazzinc")
    assert kazzinc.places == 600
    assert kazzinc.settlement.name_en == "Ridder"
    assert list(kazzinc.funding.values_list("source", "share")) == [
        ("corporate_partner", Decimal("1.0000"))
    ]
    assert building.exclude(pk=kazzinc.pk).count() == 7
    assert building.count() == 8


def test_b9_to_b13_programmes():
    new = Offering.objects.filter(
        year=DEMO_YEAR, launch_year=DEMO_YEAR, institution__kind="college"
    )
    assert set(new.values_list("specialty__code", flat=True)) == set(facts.B9_CODES)
    centre = Institution.objects.get(kind="competence_centre", name_en="IT Competence Centre")
    assert centre.parent.name_en == "Ust-Kamenogorsk Higher Polytechnic College"
    assert centre.status in ("operating", "under_construction")
    for industry in facts.B11_INDUSTRIES:
        assert Offering.objects.filter(year=DEMO_YEAR, specialty__industry__code=industry).exists()
    planned = Institution.objects.filter(kind="competence_centre", status="planned")
    assert planned.count() == 3
    assert set(planned.values_list("parent__kind", flat=True)) == {"university"}
    assert planned.values("parent").distinct().count() == 3
    npp = Offering.objects.get(specialty__code=facts.B13_CODE, year=DEMO_YEAR)
    assert npp.specialty.name_en == "Operation of nuclear power plants"
    assert npp.launch_year == DEMO_YEAR
    assert npp.institution.name_en == "D. Serikbayev East Kazakhstan Technical University"
    # the classifier: TVET at ISCED 3-5, universities at 6-7; demand for six years
    for o in Offering.objects.select_related("specialty", "institution"):
        levels = (6, 7) if o.institution.kind == "university" else (3, 4, 5)
        assert o.specialty.isced_level in levels
    assert set(LabourDemand.objects.values_list("year", flat=True)) == set(
        range(DEMO_YEAR, DEMO_YEAR + 6)
    )


def test_b14_b15_b16_partnerships():
    consortium = Agreement.objects.get(kind="consortium")
    assert set(consortium.partners.values_list("country", flat=True)) == {"DE"}
    groups = Agreement.objects.filter(parent=consortium, kind="research_group")
    assert groups.count() == 2
    assert all("редких металлов" in g.topic for g in groups)
    donation = Agreement.objects.get(kind="equipment_donation")
    assert donation.institution.name_en.startswith("Kazakh Engineering Centre for Intelligent")
    assert (donation.amount, donation.currency) == (Decimal("3950000.00"), "CNY")
    assert donation.amount_kzt == Decimal("284992500.00")
    assert donation.rate_date
    luban = Institution.objects.get(kind="workshop", name_en="Lu Ban Workshop")
    assert luban.laboratories.count() == 4
    students = InternationalStudents.objects.filter(institution=luban, year=DEMO_YEAR)
    assert students.aggregate(n=Sum("count"))["n"] == 400
    assert students.values("country").distinct().count() == 8
    dual = Agreement.objects.get(kind="dual_training", institution=luban)
    assert dual.partners.get().name_en == "Allur plant"
    internship = Agreement.objects.get(kind="internship", institution=luban)
    assert internship.partners.get().name_en == "Astana Motors"


def test_b17_social_facilities_and_b18_articles():
    kinds = set(
        Project.objects.filter(stage="commissioned").values_list("kind", flat=True).distinct()
    )
    assert {"sports_ground", "children_ground", "clinic", "public_space"} <= kinds
    main = Article.objects.get(slug="vko-new-specialties", language="ru")
    assert main.title == facts.MAIN_ARTICLE_TITLE
    assert "Лу Бань" in main.body
    assert "Казцинк" in main.body
    assert not main.is_synthetic
    latest = Article.objects.filter(language="ru", kind="news").order_by("-published_at")
    assert [a.title for a in latest] == [t[2] for t in facts.LATEST_ARTICLES]
    # the main article whole in Kazakh and English; the feed in Russian only
    assert Article.objects.filter(language__in=("kk", "en"), is_synthetic=True).count() == 2


@pytest.mark.parametrize(
    ("username", "role", "scope"),
    [
        ("admin", Role.REGIONAL_ADMIN, None),
        ("analyst", Role.REGIONAL_ANALYST, None),
        ("district", Role.DISTRICT_OFFICER, "634000000"),
        ("support", Role.SUPPORT_OFFICER, "634000000"),
        ("transport", Role.TRANSPORT_COORDINATOR, "634000000"),
        ("auditor", Role.AUDITOR, None),
        ("integrator", Role.INTEGRATOR, None),
    ],
)
def test_demo_users(username, role, scope):
    user = User.objects.get(username=username)
    assert user.role == role
    assert (user.territory.kato if user.territory else None) == scope
    assert user.check_password(DEMO_PASSWORD)
    assert user.is_superuser == (username == "admin")


def test_operator_runs_one_school_in_the_district():
    user = User.objects.get(username="operator")
    assert user.institution.kind == "school"
    assert user.institution.settlement.path.startswith("/630000000/634000000/")


def test_the_extensions_are_the_workflow_apps_demo_data_imported_directly():
    from keleshek.demo import loader

    assert [load.__module__ for load in loader.EXTENSIONS] == [
        "keleshek.support.demo",
        "keleshek.transport.demo",
        "keleshek.census.demo",
        "keleshek.indicators.demo",
    ]


def test_the_extensions_run_in_order_for_the_demo_year(monkeypatch):
    from keleshek.demo import loader

    calls = []

    def first(*, year):
        calls.append(("first", year))

    def second(*, year):
        calls.append(("second", year))

    monkeypatch.setattr(loader, "EXTENSIONS", (first, second))
    summary = loader.DemoSummary()
    loader._run_extensions(summary, None)
    assert calls == [("first", DEMO_YEAR), ("second", DEMO_YEAR)]
    assert summary.extensions == [__name__, __name__]


def test_teachers_follow_the_classes_a_school_runs():
    from keleshek.demo.loader import teachers_needed

    # a small primary school of 14: five grades in three class-sets, three teachers
    assert teachers_needed([2, 3, 2, 4, 3, 0, 0, 0, 0, 0, 0, 0]) == 3
    # a small basic school: grades 5-9 need their subject teachers
    assert teachers_needed([3, 4, 3, 5, 4, 4, 5, 3, 4, 3, 0, 0]) == 12
    # a city school of 1,300 pupils: about 16 pupils a teacher
    big = [100, 110, 110, 115, 110, 110, 110, 105, 110, 100, 60, 60]
    assert 14 <= sum(big) / teachers_needed(big) <= 18
    assert teachers_needed([0] * 12) == 0
