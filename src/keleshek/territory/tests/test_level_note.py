"""A territory's level is printed beside its name only when the name does not say it already
(issue 15, point 4: dashboards printed "область область", "район район")."""

from __future__ import annotations

from django.utils import translation

from keleshek.territory.models import Territory


def _unit(level: str, ru: str, kk: str, en: str) -> Territory:
    return Territory(kato="634000000", level=level, name_ru=ru, name_kk=kk, name_en=en)


def test_a_name_that_says_its_level_is_not_followed_by_it() -> None:
    district = _unit("district", "Глубоковский район", "Глубокое ауданы", "Glubokoe district")
    oblast = _unit(
        "oblast",
        "Восточно-Казахстанская область",
        "Шығыс Қазақстан облысы",
        "East Kazakhstan region",
    )
    for lang in ("ru", "kk", "en"):
        with translation.override(lang):
            assert district.level_note == ""
            assert oblast.level_note == ""


def test_a_name_without_its_level_keeps_the_label() -> None:
    village = _unit("settlement", "Secret", "Secret", "Secret")
    okrug = _unit("rural_okrug", "Белоусовка", "Белоусовка", "Belousovka")
    with translation.override("ru"):
        assert village.level_note == "населённый пункт"
        assert okrug.level_note == str(Territory.Level.RURAL_OKRUG.label)
        assert okrug.level_note
