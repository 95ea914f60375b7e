"""The school census walked in Chromium (issue 19), in Russian and Kazakh: the operator opens
the autumn form, loses the connection, fills it (the page and its script come from the service
worker, the figures go to the IndexedDB queue), reconnects and the queue is sent; a failing
check is shown and corrected; the form is submitted. A figure changed on the server while the
operator was offline is shown with both values and kept only by the operator's choice. The
district approves one school and returns another; the region's completeness page shows both;
the school's dashboard moves only when the district approves."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

from keleshek.core.ids import make_iin
from tests import testdb

from .conftest import screenshot

PASSWORD = "keleshek-demo"
DISTRICT = "634000000"  # Glubokoe


def _values(per_cell: int = 7) -> dict[str, str]:
    total = 24 * per_cell
    values = {f"g{g}_{s}": per_cell for g in range(12) for s in "mf"}
    values.update(
        pupils_total=total, lang_kk=total, lang_ru=0, lang_other=0,
        shift1=total, shift2=0, shift3=0,
        teachers_total=16, teachers_fte="17.5", staff_admin=3, staff_support=1,
        staff_technical=5, qual_master=1, qual_researcher=2, qual_expert=4,
        qual_moderator=5, qual_none=4, capacity=250, internet_mbps=10,
        meals_free=70, meals_paid=20, canteen_seats=60,
    )  # fmt: skip
    return {k: str(v) for k, v in values.items()}


SELECTS = {"condition": "normal", "heating": "boiler", "water": "well", "toilets_indoor": "1"}


def _login(page, base: str, lang: str, user: str, nxt: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/{lang}/accounts/login/?next={nxt}")
    page.locator("#id_username").fill(user)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(nxt) + "$"))


def _context(browser, lang: str):  # type: ignore[no-untyped-def]
    locale = {"ru": "ru-RU", "kk": "kk-KZ"}[lang]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page


def _open_form(page, base: str, lang: str, dataset_name: str) -> str:  # type: ignore[no-untyped-def]
    _login(page, base, lang, "operator", f"/{lang}/census/")
    row = page.locator("tbody tr", has_text=dataset_name).first
    row.locator("a").click()
    page.wait_for_url(re.compile(r"/census/\d+/s/\d+/$"))
    # The service worker takes the page under its control; a reload online keeps a copy.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.reload()
    page.wait_for_function(
        "caches.open('keleshek-census-v1').then(c => c.match(location.href)).then(r => !!r)"
    )
    return str(page.url)


def _pupils_on_dashboard(page, base: str, lang: str, school_id: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/{lang}/staff/i/{school_id}/?year=2025")
    row = page.locator("tbody tr", has_text="Учащиеся школ").first
    return str(row.locator("td").nth(1).inner_text()).strip()


def _glubokoe_row(page, base: str, period_url: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.goto(f"{base}{period_url}")
    row = page.locator("#census-completeness tbody tr", has_text="Глубоковский").first
    return [c.strip() for c in row.locator("td").all_inner_texts()]


def test_census_offline_fill_submit_review_and_completeness_in_russian(browser, live_server_url):  # type: ignore[no-untyped-def]
    base = live_server_url
    ctx, page = _context(browser, "ru")
    form_url = _open_form(page, base, "ru", "Осенняя перепись")
    period_id, school_id = re.findall(r"/census/(\d+)/s/(\d+)/", form_url)[0]
    assert page.locator("legend", has_text="Контингент по классам и полу").count() == 1

    # Offline: the page opens from the service worker's copy; the figures go to the queue.
    ctx.set_offline(True)
    page.reload()
    assert page.locator("#census-form").count() == 1
    values = _values()
    values["g1_m"] = "9"  # a mistake: the grades no longer add up to the total
    for code, value in values.items():
        page.locator(f"#v_{code}").fill(value)
    for code, value in SELECTS.items():
        page.locator(f"#v_{code}").select_option(value)
    page.locator("input[name=c_capacity]").fill("по техническому паспорту здания")
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_function(
        "document.getElementById('census-status').textContent.includes('Нет связи')"
    )
    screenshot(page, "census-offline-queued-ru")

    # Reconnect: the queue is sent, and the failing check comes back with it.
    ctx.set_offline(False)
    page.wait_for_function(
        "document.getElementById('census-status').textContent.includes('Связь восстановлена')"
    )
    assert (
        "Сумма по классам не равна общему числу учащихся"
        in page.locator("#census-status").inner_text()
    )
    page.reload()
    checks = page.locator("#census-checks").inner_text()
    assert "Сумма по классам не равна общему числу учащихся" in checks
    assert page.locator("#v_g1_m").input_value() == "9"

    # Submitting is refused until the check is corrected.
    page.get_by_role("button", name="Сдать в район").click()
    assert page.locator("ul.messages").inner_text().count("Сумма по классам") == 1
    page.locator("#v_g1_m").fill("7")
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_load_state()
    assert (
        page.locator("#census-checks").count() == 0
        or "Сумма по классам" not in page.locator("#census-checks").inner_text()
    )
    page.get_by_role("button", name="Сдать в район").click()
    assert page.locator("#census-return-status").inner_text() == "сдан"
    ctx.close()

    # The dashboard still shows the records until the district approves.
    ctx, page = _context(browser, "ru")
    _login(page, base, "ru", "analyst", f"/ru/census/{period_id}/")
    before = _pupils_on_dashboard(page, base, "ru", school_id)
    assert before.replace("\u00a0", "").replace(" ", "") != "168"
    completeness_before = _glubokoe_row(page, base, f"/ru/census/{period_id}/")
    ctx.close()

    # The district approves the operator's school and returns another submitted one.
    ctx, page = _context(browser, "ru")
    _login(page, base, "ru", "district", f"/ru/census/{period_id}/d/{DISTRICT}/")
    submitted = page.locator("#census-schools tbody tr", has_text="сдан")
    others = [submitted.nth(i).get_attribute("data-school") for i in range(submitted.count())]
    other = next(s for s in others if s != school_id)
    page.goto(f"{base}/ru/census/{period_id}/s/{school_id}/")
    page.get_by_role("button", name="Утвердить").click()
    assert "утверждён районом" in page.locator("#census-return-status").inner_text()
    page.goto(f"{base}/ru/census/{period_id}/s/{other}/")
    page.get_by_role("button", name="Вернуть школе").click()  # without a comment: refused
    assert "укажите, что школе нужно исправить" in page.locator("ul.messages").inner_text()
    page.locator("#review-comment").fill("Проверьте численность 1 класса")
    page.get_by_role("button", name="Вернуть школе").click()
    assert "возвращён на исправление" in page.locator("#census-return-status").inner_text()
    screenshot(page, "census-returned-ru")
    ctx.close()

    # The region: completeness shows both; the dashboard moved with the approval.
    ctx, page = _context(browser, "ru")
    _login(page, base, "ru", "analyst", f"/ru/census/{period_id}/")
    after = _glubokoe_row(page, base, f"/ru/census/{period_id}/")
    # columns: schools, submitted, approved, returned, late, completeness, timeliness
    assert int(after[2]) == int(completeness_before[2]) + 1
    assert int(after[3]) == int(completeness_before[3]) + 1
    assert int(after[1]) == int(completeness_before[1]) - 1
    screenshot(page, "census-completeness-ru")
    now = _pupils_on_dashboard(page, base, "ru", school_id)
    assert now.replace("\u00a0", "").replace(" ", "") == "168"
    ctx.close()


def test_census_conflict_is_shown_and_resolved_by_the_operator_in_kazakh(browser, live_server_url):  # type: ignore[no-untyped-def]
    base = live_server_url
    ctx, page = _context(browser, "kk")
    form_url = _open_form(page, base, "kk", "Айлық тамақтану")
    path = form_url.removeprefix(base)

    ctx.set_offline(True)
    page.locator("#v_meals_days").fill("20")
    page.locator("#v_meals_served").fill("1000")
    page.locator("#v_meals_free_served").fill("400")
    page.get_by_role("button", name="Сақтау").click()
    page.wait_for_function(
        "document.getElementById('census-status').textContent.includes('Байланыс жоқ')"
    )

    # Meanwhile the regional administrator enters another figure for the same school.
    admin_ctx, admin = _context(browser, "kk")
    _login(admin, base, "kk", "admin", path)
    admin.locator("#v_meals_served").fill("900")
    admin.get_by_role("button", name="Сақтау").click()
    admin_ctx.close()

    ctx.set_offline(False)
    page.wait_for_function("!document.getElementById('census-conflicts').hidden")
    conflict = page.locator("#census-conflict-rows tr").first
    assert conflict.locator("td").nth(1).inner_text() == "1000"
    assert conflict.locator("td").nth(2).inner_text().startswith("900")
    assert "Кейбір көрсеткіштер" in page.locator("#census-status").inner_text()
    screenshot(page, "census-conflict-kk")
    # Nothing was overwritten: the server keeps 900 until the operator chooses.
    check_ctx, check = _context(browser, "kk")
    _login(check, base, "kk", "admin", path)
    assert check.locator("#v_meals_served").input_value() == "900"
    assert check.locator("#v_meals_days").input_value() == "20"
    check_ctx.close()

    conflict.get_by_role("button", name="менікін қалдыру").click()
    page.wait_for_function(
        "document.getElementById('census-status').textContent.includes('Байланыс қалпына келді')"
    )
    page.reload()
    assert page.locator("#v_meals_served").input_value() == "1000"
    ctx.close()

    # The autumn form fits a phone: pupils by grade as a grade × sex table, the rest stacked.
    phone_ctx = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="kk-KZ"
    )
    phone = phone_ctx.new_page()
    phone.set_default_timeout(60_000)
    _login(phone, base, "kk", "operator", "/kk/census/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.locator("tbody tr", has_text="Күзгі санақ").first.locator("a").click()
    phone.wait_for_url(re.compile(r"/census/\d+/s/\d+/$"))
    assert phone.locator("table.grid th", has_text="қыздар").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "census-form-phone-kk")
    phone_ctx.close()


NOBD_HEADER = "ИИН,Фамилия,Имя,Отчество,Дата рождения,Пол,Класс,Литер,Язык обучения"


def _nobd_list_of_the_operators_school() -> tuple[str, int]:
    """The NOBD pupil list of the demo operator's school as the registry holds it (read from
    the demo template the server runs a copy of), with three differences: the newest pupil is
    not in it, the last one known by an IIN has another middle name, and a first-grader is
    new. The pupils
    the fund walk picks (the oldest, grades 5+) are left alone. Returns the CSV and its rows."""
    db = sqlite3.connect(f"file:{Path(testdb.sqlite_template())}?mode=ro", uri=True)
    rows = db.execute(
        "SELECT p.iin, p.last_name, p.first_name, p.middle_name, p.birth_date, p.sex, p.grade "
        "FROM support_pupil p "
        "JOIN accounts_user u ON u.institution_id = p.school_id AND u.username = 'operator' "
        "WHERE p.left_on IS NULL ORDER BY p.id"
    ).fetchall()
    db.close()
    rows = rows[:-1]  # the newest pupil has left
    k = max(i for i, r in enumerate(rows) if r[0])  # known by the IIN: found when renamed
    renamed = rows[k]
    rows[k] = (*renamed[:3], "Тестұлы" if renamed[5] == "M" else "Тестқызы", *renamed[4:])
    lines = [NOBD_HEADER]
    for iin, last, first, middle, born, sex, grade in rows:
        day = dt.date.fromisoformat(born).strftime("%d.%m.%Y")
        lines.append(f"{iin or ''},{last},{first},{middle},{day},{sex},{grade},А,Казахский")
    born, serial, iin = dt.date(2019, 4, 2), 8901, None
    while iin is None:
        iin, serial = make_iin(born, "M", serial), serial + 1
    lines.append(f"{iin},Жаңабаев,Ерлан,,02.04.2019,М,1,Б,Казахский")
    return "\n".join(lines) + "\n", len(lines) - 1


def test_census_nobd_pupil_list_confirmed_into_the_registry_in_kazakh(browser, live_server_url):  # type: ignore[no-untyped-def]
    """The operator uploads the school's NOBD pupil list, reads the reconciliation and
    confirms it: one pupil registered, one changed, one marked as having left (issue 19)."""
    base = live_server_url
    body, count = _nobd_list_of_the_operators_school()
    ctx, page = _context(browser, "kk")
    _login(page, base, "kk", "operator", "/kk/census/")
    page.locator("tbody tr", has_text="Күзгі санақ").first.locator("a").click()
    page.wait_for_url(re.compile(r"/census/\d+/s/\d+/$"))
    page.goto(f"{page.url}exports/")
    page.locator("#source").select_option("nobd_pupils")
    page.locator("#f").set_input_files(
        {"name": "nobd.csv", "mimeType": "text/csv", "buffer": body.encode()}
    )
    page.get_by_role("button", name="Салыстыру").click()
    report = page.locator("#census-reconciliation td").all_inner_texts()
    # rows, unchanged, new, changed, missing, conflicting
    assert [int(c.replace("\u00a0", "").replace(" ", "")) for c in report] == [
        count, count - 2, 1, 1, 1, 0
    ]  # fmt: skip
    screenshot(page, "census-nobd-reconciliation-kk")
    page.locator("#census-apply button[type=submit]").click()
    applied = page.locator("#census-applied").inner_text()
    assert "Оқушылар тізімі тізілімге енгізілді." in applied
    assert "тіркелді: 1" in applied
    assert "кетті деп белгіленді: 1" in applied
    screenshot(page, "census-nobd-applied-kk")
    # Compared again, the registry and the list agree.
    page.locator("#source").select_option("nobd_pupils")
    page.locator("#f").set_input_files(
        {"name": "nobd.csv", "mimeType": "text/csv", "buffer": body.encode()}
    )
    page.get_by_role("button", name="Салыстыру").click()
    again = page.locator("#census-reconciliation td").all_inner_texts()
    assert [int(c.replace("\u00a0", "").replace(" ", "")) for c in again] == [
        count, count, 0, 0, 0, 0
    ]  # fmt: skip
    assert page.locator("#census-apply").count() == 0
    ctx.close()
