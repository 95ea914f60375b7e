"""The catchment rule (ADR 0164): which school serves a village's children of a grade."""

from __future__ import annotations

from keleshek.institutions.catchment import Catchment, School, has_boarding, km

D = "/630000000/634000000/"
# a district centre with a secondary school and a boarding house, a village 10 km east with a
# primary school, and a village 40 km north with none
CENTRE = School("centre", "c", D, 50.0, 82.0, 0, 11, boarding=True)
VILLAGE = School("village", "v", D, 50.0, 82.14, 0, 4)
OTHER = School("other", "o", "/630000000/634800000/", 50.0, 82.15, 0, 11)


def test_a_child_learns_at_home_when_a_school_there_teaches_its_grade():
    catch = Catchment([CENTRE, VILLAGE, OTHER])
    assert catch.serving("v", D, 50.0, 82.14, 3) is None


def test_an_older_child_rides_to_the_nearest_school_of_its_district_teaching_the_grade():
    catch = Catchment([CENTRE, VILLAGE, OTHER])
    # the other district's school is nearer, but a child is served inside its own district
    school = catch.serving("v", D, 50.0, 82.14, 7)
    assert school is CENTRE
    assert 9 < km(50.0, 82.14, CENTRE.lat, CENTRE.lon) < 11
    assert catch.is_bussed(school, 50.0, 82.14)


def test_beyond_a_bus_reach_the_child_boards_at_a_school_with_a_boarding_house():
    near = School("near", "n", D, 50.33, 82.0, 0, 11)  # 37 km from the far village
    catch = Catchment([CENTRE, VILLAGE, near], reach_km=25)
    assert catch.serving("far", D, 50.66, 82.0, 7) is CENTRE  # 73 km, but it has the boarding
    assert not catch.is_bussed(CENTRE, 50.66, 82.0)
    without = Catchment([School("c2", "c", D, 50.0, 82.0, 0, 11), near], reach_km=25)
    assert without.serving("far", D, 50.66, 82.0, 7).key == "near"  # no boarding: the nearest


def test_the_boarding_house_is_read_from_the_description():
    assert has_boarding("При школе пришкольный интернат для детей из сёл без школы их ступени.")
    assert not has_boarding("")
