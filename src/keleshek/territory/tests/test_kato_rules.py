"""The classifier's rules (ADR 0160): a child carries its parent's significant digits, a code
exists on a record's date, East Kazakhstan lists its current units only, and the data fix of
the 2022 codes keeps every record attached."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.utils import translation

from keleshek.core.ids import IdentifierError, check_kato_child, kato_significant
from keleshek.institutions.models import Institution
from keleshek.territory import kato2022, selectors
from keleshek.territory.models import PopulationRecord, Territory
from keleshek.territory.services import territory_upsert, validate_kato_on

SPLIT = dt.date(2022, 6, 8)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _unit(kato: str, level: str, parent: Territory | None = None, **kw: object) -> Territory:
    """Rows written as an old database holds them: no validation (codes may be wrong)."""
    return Territory.objects.create(kato=kato, level=level, parent=parent, name_ru=kato, **kw)


@pytest.mark.parametrize(
    ("code", "significant"),
    [
        ("630000000", "63"),
        ("631000000", "6310"),
        ("631010000", "631010"),
        ("635510100", "635510100"),
        ("100000000", "10"),
        ("104500000", "1045"),
    ],
)
def test_significant_digits_are_whole_groups(code, significant):
    assert kato_significant(code) == significant


def test_a_child_carries_its_parents_significant_digits():
    assert check_kato_child("635510100", "635510000").code == "635510100"
    assert check_kato_child("631010000", "631000000").code == "631010000"
    for child, parent in [
        ("637210000", "635500000"),  # Markakol's made-up prefix under its real code
        ("101800000", "630000000"),  # an Abai code under East Kazakhstan
        ("630000000", "630000000"),  # a unit is not its own child
    ]:
        with pytest.raises(IdentifierError):
            check_kato_child(child, parent)


@pytest.mark.django_db
def test_upsert_refuses_a_code_outside_its_parent_with_a_clear_message():
    oblast = _unit("630000000", "oblast")
    markakol = _unit("635500000", "district", oblast, valid_from=SPLIT)
    with pytest.raises(ValidationError, match="does not start with 6355"):
        territory_upsert(kato="637210000", level="rural_okrug", name_ru="x", parent=markakol)
    with pytest.raises(ValidationError, match="not in the classifier on 2020-01-01"):
        territory_upsert(
            kato="635510000",
            level="rural_okrug",
            name_ru="x",
            parent=markakol,
            valid_from=dt.date(2020, 1, 1),
        )
    okrug, created = territory_upsert(
        kato="635510000", level="rural_okrug", name_ru="Теректы", parent=markakol
    )
    assert created
    assert okrug.path == "/630000000/635500000/635510000/"
    with translation.override("ru"), pytest.raises(ValidationError) as err:
        territory_upsert(kato="637210000", level="rural_okrug", name_ru="x", parent=markakol)
    assert "6355" in str(err.value)
    assert "does not" not in str(err.value)


@pytest.mark.django_db
def test_a_code_exists_in_the_classifier_on_the_records_date():
    oblast = _unit("630000000", "oblast")
    abai = _unit("100000000", "oblast", valid_from=SPLIT)
    new = _unit("101800000", "city", abai, valid_from=SPLIT)
    _unit("632200000", "city", oblast, valid_to=SPLIT, successor=new)
    assert validate_kato_on("632200000", dt.date(2021, 9, 1)).kato == "632200000"
    with pytest.raises(ValidationError, match="632200000 is not in the classifier on 2022-06-08"):
        validate_kato_on("632200000", SPLIT)
    assert validate_kato_on("101800000", SPLIT).kato == "101800000"
    with pytest.raises(ValidationError, match="not in the classifier on 2021-09-01"):
        validate_kato_on("101800000", dt.date(2021, 9, 1))
    with pytest.raises(ValidationError, match="exactly 9 digits"):
        validate_kato_on("10180000", SPLIT)


@pytest.mark.django_db
def test_east_kazakhstan_lists_its_current_units_only():
    oblast = _unit("630000000", "oblast")
    glubokoe = _unit("634000000", "district", oblast)
    markakol = _unit("635500000", "district", oblast, valid_from=SPLIT)
    abai = _unit("100000000", "oblast", valid_from=SPLIT)
    semey = _unit("101000000", "city", abai, valid_from=SPLIT)
    _unit("632800000", "city", oblast, valid_to=SPLIT, successor=semey)
    assert list(selectors.oblast_units()) == [glubokoe, markakol]
    # on a date before the split: the old unit, not the one formed at the split
    assert [u.kato for u in selectors.oblast_units(on=dt.date(2021, 1, 1))] == [
        "632800000",
        "634000000",
    ]


@pytest.mark.django_db
def test_the_2022_codes_are_fixed_in_place_and_every_record_stays_attached():
    # Given a database as the old demo wrote it
    oblast = _unit("630000000", "oblast")
    markakol = _unit("637200000", "district", oblast, is_synthetic=True)
    okrug = _unit("637210000", "rural_okrug", markakol)
    village = _unit("637210100", "settlement", okrug)
    naryn = _unit("637000000", "district", oblast, is_synthetic=True)
    abai = _unit("100000000", "oblast", is_synthetic=True)
    kurchatov_new = _unit("101400000", "city", abai)
    ayagoz_new = _unit("101800000", "district", abai)  # Kurchatov's real code
    zharma_new = _unit("102400000", "district", abai)
    aksuat_new = _unit("103000000", "district", abai)
    kurchatov = _unit("632600000", "city", oblast, valid_to=SPLIT, successor=kurchatov_new)
    ayagoz = _unit("633400000", "district", oblast, valid_to=SPLIT, successor=ayagoz_new)
    zharma = _unit("634200000", "district", oblast, valid_to=SPLIT, successor=zharma_new)
    aksuat = _unit("634400000", "district", oblast, valid_to=SPLIT, successor=aksuat_new)
    school = Institution.objects.create(
        bin="000140000001", kind="school", name_ru="Школа", settlement=village
    )
    PopulationRecord.objects.create(territory=village, year=2025, age=7, sex="F", count=12)
    PopulationRecord.objects.create(territory=aksuat, year=2021, age=7, sex="M", count=3)
    count = Territory.objects.count()

    # When the data fix runs (twice: it is idempotent)
    done = kato2022.apply(django_apps)
    again = kato2022.apply(django_apps)

    # Then the codes are the classifier's, in place
    def code(unit: Territory) -> str:
        return Territory.objects.get(pk=unit.pk).kato

    assert done == {"recoded": 10, "folded": 1}
    assert again == {"recoded": 0, "folded": 0}
    assert [code(u) for u in (markakol, okrug, village, naryn)] == [
        "635500000",
        "635510000",
        "635510100",
        "636300000",
    ]
    assert [code(u) for u in (kurchatov, kurchatov_new, ayagoz_new, zharma, zharma_new)] == [
        "632200000",
        "101800000",
        "103600000",
        "634400000",
        "104200000",
    ]
    assert Territory.objects.get(pk=ayagoz.pk).successor.kato == "103600000"
    assert Territory.objects.get(pk=village.pk).path == "/630000000/635500000/635510000/635510100/"
    assert not Territory.objects.get(pk=markakol.pk).is_synthetic
    assert not Territory.objects.get(pk=abai.pk).is_synthetic
    # the bogus Aksuat row is folded into Abai region's Aksuat, its records with it
    assert Territory.objects.count() == count - 1
    assert not Territory.objects.filter(pk=aksuat.pk).exists()
    assert code(aksuat_new) == "103400000"
    assert PopulationRecord.objects.get(year=2021).territory_id == aksuat_new.pk
    assert Institution.objects.get(pk=school.pk).settlement_id == village.pk
    assert PopulationRecord.objects.get(year=2025).territory_id == village.pk
    assert len(set(Territory.objects.values_list("kato", flat=True))) == count - 1


@pytest.mark.django_db
def test_admin_pickers_offer_the_regions_current_units(client):
    from keleshek.accounts.models import User

    oblast = _unit("630000000", "oblast")
    _unit("634000000", "district", oblast)
    abai = _unit("100000000", "oblast", valid_from=SPLIT)
    semey = _unit("101000000", "city", abai, valid_from=SPLIT)
    _unit("632800000", "city", oblast, valid_to=SPLIT, successor=semey)
    client.force_login(User.objects.create_superuser(username="root", password="unused-pass-1"))

    def offered(model: str, field: str) -> set[str]:
        response = client.get(
            "/en/admin/autocomplete/",
            {
                "app_label": model.split(".")[0],
                "model_name": model.split(".")[1],
                "field_name": field,
                "term": "",
            },
        )
        assert response.status_code == 200
        return {r["text"] for r in response.json()["results"]}

    assert offered("accounts.user", "territory") == {"630000000", "634000000"}
    assert offered("territory.territory", "successor") >= {"101000000", "632800000"}


@pytest.mark.django_db
def test_population_is_filed_only_for_a_unit_in_force_that_year():
    from keleshek.territory.services import population_set

    oblast = _unit("630000000", "oblast")
    abai = _unit("100000000", "oblast", valid_from=SPLIT)
    semey_new = _unit("101000000", "city", abai, valid_from=SPLIT)
    semey = _unit("632800000", "city", oblast, valid_to=SPLIT, successor=semey_new)
    assert population_set(territory=semey, year=2022, age=7, sex="F", count=5).count == 5
    with pytest.raises(ValidationError, match="632800000 is not in the classifier on 2023-01-01"):
        population_set(territory=semey, year=2023, age=7, sex="F", count=5)
    with pytest.raises(ValidationError, match="101000000 is not in the classifier on 2022-01-01"):
        population_set(territory=semey_new, year=2022, age=7, sex="F", count=5)
    assert population_set(territory=semey_new, year=2023, age=7, sex="F", count=6).count == 6
