"""The fund's walk in Chromium (issue 17, point 7), in Russian and Kazakh: two parents apply
without a login, the school approves one and refuses the other with a reason, the parents read
their status, the support officer exports the month's payment register."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sqlite3
from pathlib import Path

from keleshek.core.ids import make_iban, make_iin
from tests import testdb

from .conftest import screenshot

PARENT_RU = make_iin(dt.date(1987, 5, 6), "F", 8101)
PARENT_KK = make_iin(dt.date(1990, 7, 8), "F", 8102)
IBAN_RU = make_iban("KZ", "722C000011112222")
IBAN_KK = make_iban("KZ", "601A000033334444")
DOCS = ("application", "birth_certificate", "parent_id", "asp_certificate")


def _two_children() -> list[str]:
    """Two children of the demo operator's school with no category and no application yet
    (read from the demo template the server runs a copy of): the akimat's АСП list will give
    them the category."""
    db = sqlite3.connect(f"file:{Path(testdb.sqlite_template())}?mode=ro", uri=True)
    rows = db.execute(
        "SELECT p.iin FROM support_pupil p "
        "JOIN accounts_user u ON u.institution_id = p.school_id AND u.username = 'operator' "
        "WHERE p.iin IS NOT NULL AND p.grade >= 5 "
        "AND NOT EXISTS (SELECT 1 FROM support_pupilcategory c WHERE c.pupil_id = p.id) "
        "AND NOT EXISTS (SELECT 1 FROM support_application a WHERE a.pupil_id = p.id) "
        "ORDER BY p.id LIMIT 2"
    ).fetchall()
    db.close()
    assert len(rows) == 2, "the demo operator's school has no two children without a category"
    return [r[0] for r in rows]


def _apply(pg, base: str, lang: str, child: str, parent: str, iban: str) -> str:  # type: ignore[no-untyped-def]
    pg.goto(f"{base}/{lang}/fund/apply/")
    pg.locator("#child_iin").fill(child)
    pg.locator("#parent_name").fill("Сейтова Айгүл" if lang == "kk" else "Ахметова Динара")
    pg.locator("#parent_iin").fill(parent)
    pg.locator("#iban").fill(iban)
    pg.locator("#category").select_option("asp")
    for code in DOCS:
        pg.locator(f"input[name=documents][value={code}]").check()
    pg.locator("input[name=consent]").check()
    pg.locator("main button[type=submit]").click()
    pg.wait_for_url(re.compile(r"/fund/status/\?number="))
    number = re.search(r"number=([0-9-]+)", pg.url)
    assert number is not None
    return number.group(1)


def _login(pg, base: str, user: str, nxt: str) -> None:  # type: ignore[no-untyped-def]
    pg.goto(f"{base}/ru/accounts/login/?next={nxt}")
    pg.locator("#id_username").fill(user)
    pg.locator("#id_password").fill("keleshek-demo")
    pg.locator("main button[type=submit]").click()
    pg.wait_for_url(re.compile(re.escape(nxt.split("?")[0])))


def _status(pg, base: str, lang: str, number: str, iin: str) -> str:  # type: ignore[no-untyped-def]
    pg.goto(f"{base}/{lang}/fund/status/")
    pg.locator("#number").fill(number)
    pg.locator("#iin").fill(iin)
    pg.locator("main button[type=submit]").click()
    pg.wait_for_load_state()
    return str(pg.locator("#app-status").inner_text())


def test_parent_applies_school_decides_parent_reads_officer_exports(
    page, phone, browser, live_server_url
):  # type: ignore[no-untyped-def]
    base = live_server_url
    child_ru, child_kk = _two_children()
    # the support officer imports the akimat's АСП list that names both children
    officer = browser.new_context(locale="ru-RU").new_page()
    _login(officer, base, "support", "/ru/support/asp-list/")
    listing = f"ИИН;Дата начала;Дата окончания\n{child_ru};2025-09-01;\n{child_kk};2025-09-01;\n"
    officer.locator("input[name=file]").set_input_files(
        {"name": "asp.csv", "mimeType": "text/csv", "buffer": listing.encode()}
    )
    officer.locator("input[name=list_date]").fill("2025-09-20")
    officer.get_by_role("button", name="Загрузить").click()
    officer.wait_for_load_state()
    assert "новых: 2" in officer.content()
    # a parent applies in Russian on a computer, another in Kazakh on a phone
    n_ru = _apply(page, base, "ru", child_ru, PARENT_RU, IBAN_RU)
    assert "зарегистрировано" in page.content()
    n_kk = _apply(phone, base, "kk", child_kk, PARENT_KK, IBAN_KK)
    assert "тіркелді" in phone.content()
    screenshot(phone, "fund-apply-kk")

    # the school approves the first and refuses the second with a reason
    school = browser.new_context(locale="ru-RU").new_page()
    _login(school, base, "operator", "/ru/support/applications/?year=2025")
    row = school.locator(f"#app-{n_ru}")
    row.locator("input[name=minutes]").fill("12")
    row.get_by_role("button", name="Одобрить").click()
    school.wait_for_load_state()
    assert "решение записано" in school.content().lower()
    row = school.locator(f"#app-{n_kk}")
    row.locator("input[name=minutes]").fill("12")
    row.locator("input[name=reason]").fill("справка АСП не приложена в оригинале")
    row.get_by_role("button", name="Отказать").click()
    school.wait_for_load_state()
    screenshot(school, "fund-queue-ru")

    # each parent reads the status in their language
    assert _status(page, base, "ru", n_ru, PARENT_RU) == "одобрено"
    assert _status(phone, base, "kk", n_kk, child_kk) == "бас тартылды"
    assert "справка АСП не приложена в оригинале" in phone.locator("#app-reason").inner_text()

    # the support officer exports the month's register of the school
    officer.goto(f"{base}/ru/support/registers/?year=2025")
    month = dt.date.today().strftime("%Y-%m")
    register = officer.locator("tr[id^=register-]", has_text=month)
    assert register.count() >= 1
    with officer.expect_download() as got:
        register.first.get_by_role("link", name="CSV").click()
    path = got.value.path()
    rows = list(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8")), delimiter=";"))
    assert rows[0][:5] == ["N", "RECIPIENT_NAME", "RECIPIENT_IIN", "IBAN", "AMOUNT"]
    mine = [r for r in rows[1:] if r[7] == n_ru]
    assert mine == [
        [mine[0][0], "Ахметова Динара", PARENT_RU, IBAN_RU, "46228.00", "KZT", mine[0][6], n_ru]
    ]
    assert not [r for r in rows[1:] if r[7] == n_kk]
