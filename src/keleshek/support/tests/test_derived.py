"""A pupil's derived fields are defined once (``support.derived``, ADR 0125) and every write
path — the web page's service, the admin, the importer (streaming and PostgreSQL fast path) and
the demo — stores what that one definition gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keleshek.core.ids import make_iin
from keleshek.intake import registries
from keleshek.intake.services import import_file
from keleshek.support import derived, services
from keleshek.support.models import Pupil
from keleshek.support.selectors import pupil_search

from . import factories

TODAY = dt.date(2026, 1, 15)

# Names as people write them: Kazakh and Russian letters in both cases, Latin, signs, spaces;
# and, rarely, anything else Unicode has (no NUL: PostgreSQL text cannot hold it).
_LETTERS = "АаӘәБбҒғҚқҢңӨөҰұҮүҺһІіЁёЙйЪъЬьЭэЯяZzIiKk"
names = st.text(
    alphabet=st.one_of(
        st.sampled_from(_LETTERS + " -'.\u00a0\t0"),
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    ),
    max_size=24,
)


def _iin_for(born: dt.date, sex: str, serial: int, unknown_century: bool) -> str:
    iin = None
    while iin is None:
        iin = make_iin(born, sex, serial)
        serial += 1
    if unknown_century:  # digit 7 = 0, check digit recomputed: a valid IIN without a century
        from keleshek.core.ids import check_digit

        first = iin[:6] + "0" + iin[7:11]
        cd = check_digit(first)
        return first + str(cd) if cd is not None else iin
    return iin


iins = st.one_of(
    st.none(),
    st.builds(
        _iin_for,
        st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)),
        st.sampled_from("MF"),
        st.integers(0, 9000),
        st.booleans(),
    ),
)
births = st.one_of(st.none(), st.dates(dt.date(1899, 1, 1), dt.date(2031, 12, 31)))
sexes = st.sampled_from(["M", "F", None])


# --- the rule --------------------------------------------------------------------------------


def test_name_key_folds_kazakh_letters_and_keeps_the_middle_name() -> None:
    assert derived.name_key("Қасымова", "Әлия", "Серікқызы") == "касымова алия сериккызы"
    assert derived.name_key("Ёлкин-Ахмет", " Иван ", "") == "елкинахмет иван"
    assert derived.name_key("=Плюс", "Б") == "плюс б"
    assert derived.key_part("ЪЬъь") == ""


def test_review_flag_holds_pupils_without_an_iin_or_its_century() -> None:
    iin = make_iin(dt.date(2015, 3, 1), "M", 19)
    assert iin is not None
    assert derived.needs_review(iin) is False
    assert derived.needs_review(None) is derived.needs_review("") is True
    assert derived.needs_review(iin[:6] + "0" + iin[7:]) is True


def test_cross_check_codes() -> None:
    born = dt.date(2015, 3, 1)
    iin = make_iin(born, "M", 19)
    assert iin is not None
    ok = derived.pupil_problems(iin=iin, birth_date=born, sex="M", today=TODAY)
    assert ok == []
    assert derived.pupil_problems(iin=iin, birth_date=born, sex="F", today=TODAY) == [
        ("sex", "iin_sex", {})
    ]
    assert derived.pupil_problems(iin=iin, birth_date="2015-03-02", sex="M", today=TODAY) == [
        ("birth_date", "iin_birth_date", {"iin_date": "150301"})
    ]
    # the same day a century earlier: the date digits agree, the century digit does not
    assert derived.pupil_problems(iin=iin, birth_date="1915-03-01", sex="M", today=TODAY)[0][1] == (
        "iin_birth_date"
    )
    assert derived.pupil_problems(iin=None, birth_date="2027-01-01", sex="M", today=TODAY) == [
        ("birth_date", "future_date", {})
    ]


@given(iin=iins, born=births, sex=sexes)
def test_the_service_refuses_exactly_what_the_importer_refuses(
    iin: str | None, born: dt.date | None, sex: str | None
) -> None:
    # Given any IIN, birth date and sex
    from django.core.exceptions import ValidationError

    problems = registries.pupils().row_checks[0](
        {"iin": iin, "birth_date": born.isoformat() if born else None, "sex": sex}
    )
    # When the web page's service checks them
    try:
        review = services.check_iin(iin=iin, birth_date=born, sex=sex)
        refused = None
    except ValidationError as exc:
        refused = exc.code
    # Then it refuses with the importer's first problem, or accepts what the importer accepts
    # and flags it for review as the importer does
    assert refused == (problems[0][1] if problems else None)
    if refused is None:
        assert review is derived.needs_review(iin)


# --- the same rule in SQL (the importer's PostgreSQL fast path) --------------------------------


def _sql(expr: str, params: list[Any]) -> Any:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {expr}", params)
        return cur.fetchone()[0]


pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
hyp = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pg_only
@pytest.mark.django_db
@hyp
@given(last=names, first=names, middle=st.one_of(st.none(), names))
def test_name_key_sql_is_the_python_rule(last: str, first: str, middle: str | None) -> None:
    sql = derived.name_key_sql("%s::text", "%s::text", "%s::text")
    assert _sql(sql, [last, first, middle]) == derived.name_key(last, first, middle)


@pg_only
@pytest.mark.django_db
@hyp
@given(iin=st.one_of(iins, st.just("")))
def test_review_flag_sql_is_the_python_rule(iin: str | None) -> None:
    got = _sql(derived.needs_review_sql("%(iin)s::text"), {"iin": iin})  # type: ignore[arg-type]
    assert got is derived.needs_review(iin)


@pg_only
@pytest.mark.django_db
@hyp
@given(iin=iins, born=births, sex=sexes)
def test_cross_check_sql_is_the_python_rule(
    iin: str | None, born: dt.date | None, sex: str | None
) -> None:
    sql = derived.pupil_problems_sql(
        iin="%(iin)s::text", birth_date="%(born)s::date", sex="%(sex)s::text", today=TODAY
    )
    got = _sql(sql, {"iin": iin, "born": born, "sex": sex})  # type: ignore[arg-type]
    want = [
        ":".join([f, code, *p.values()])
        for f, code, p in derived.pupil_problems(iin=iin, birth_date=born, sex=sex, today=TODAY)
    ]
    assert got == want


# --- every write path stores the rule's values ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fast", [False, True], ids=["streaming", "fast path"])
def test_a_pupil_imported_is_found_like_one_registered_on_the_page(
    settings: Any, tmp_path: Path, fast: bool
) -> None:
    if fast and connection.vendor != "postgresql":
        pytest.skip("the fast path is PostgreSQL's")
    settings.KELESHEK = {**settings.KELESHEK, "INTAKE_FAST_PATH_MIN_BYTES": 0 if fast else 1 << 40}
    settings.MEDIA_ROOT = tmp_path / "media"
    r = factories.region()
    born = dt.date(2014, 5, 17)
    # Given a pupil registered on the web page (the support service)
    services.pupil_register(
        last_name="Қасымова",
        first_name="Әлия",
        middle_name="Серікқызы",
        birth_date=born,
        sex="F",
        school=r.village_school,
        grade=5,
        home_settlement=r.village,
        iin=make_iin(born, "F", 7001),
    )
    # and her classmate imported from a file, one without an IIN yet
    iin = make_iin(born, "F", 7002)
    path = tmp_path / "pupils.csv"
    path.write_text(
        "ИИН;Фамилия;Имя;Отчество;Дата рождения;Пол (M/F);БИН школы;Класс;"
        "КАТО места жительства\n"
        f"{iin};Қасымова;Әйгерім;Серікқызы;{born};F;{r.village_school.bin};5;{r.village.kato}\n"
        f";Қасымова;Ұлдана;;{born};F;{r.village_school.bin};5;{r.village.kato}\n",
        encoding="utf-8",
    )
    run = import_file(registry="pupils", path=path, user=None, language="en")
    assert (run.status, run.new, run.invalid) == ("succeeded", 2, 0), run.first_errors
    # When the support officer searches, typing the name without Kazakh letters
    officer = factories.user("regional_admin")
    found = pupil_search(officer, "Касымова")
    # Then all three are found, and every stored derived field is the one rule's
    assert {p.first_name for p in found} == {"Әйгерім", "Әлия", "Ұлдана"}
    for p in Pupil.objects.all():
        assert p.name_key == derived.name_key(p.last_name, p.first_name, p.middle_name)
        assert p.needs_review is derived.needs_review(p.iin)
    assert Pupil.objects.get(first_name="Ұлдана").needs_review is True
    assert [p.first_name for p in pupil_search(officer, "ұлд")] == ["Ұлдана"]
