"""The off-hours start day a resident reads, and the admin's warning and notice import (issue 19, items 5 and 6).

Each test starts a server of its own: one with office hours set so that the moment of the
test lies outside them (whatever time the suite runs at), one whose notice import must not
change the calendar the other e2e tests count on.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from backend.lib.workdays import WorkCalendar
from tests.e2e.resident import RESIDENT, STAFF, api_as, axe_violations, open_app, wait_for_empty_outbox, wait_until

pytestmark = pytest.mark.e2e

ADMIN = "13800000004"
BEIJING = dt.timezone(dt.timedelta(hours=8))
BEIJING_ZONE = ZoneInfo("Asia/Shanghai")
WEEKDAYS = {
    "zh-Hans": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
    "zh-Hant": ["週一", "週二", "週三", "週四", "週五", "週六", "週日"],
}


def _closed_hours_around_now() -> str:
    """Office hours that the next two hours lie outside of: before opening, or after closing."""
    hour = dt.datetime.now(BEIJING).hour
    return f"{hour + 2:02d}:00-24:00" if hour < 21 else "03:00-19:00"


def _starts_text(messages, locale: str, day: str) -> str:
    value = dt.date.fromisoformat(day)
    template = messages[locale]["ui"]["case"]["handling_starts"]
    return template.replace("{weekday}", WEEKDAYS[locale][value.weekday()]).replace(
        "{date}", f"{value.month}月{value.day}日"
    )


@pytest.mark.parametrize("locale", ["zh-Hans", "zh-Hant"])
def test_a_complaint_filed_out_of_hours_says_the_day_the_office_starts(page: Page, start_server, messages, locale):
    server = start_server(BIANMIN_WORKING_HOURS=_closed_hours_around_now())
    text = messages[locale]["ui"]
    resident = open_app(page, server, RESIDENT, locale=locale, route="/submit?kind=complaint")
    page.get_by_label(text["submit"]["case_title"]).fill("路灯坏了" if locale == "zh-Hans" else "路燈壞了")
    page.get_by_label(text["submit"]["description"]).fill("村口的路灯晚上不亮。")
    page.locator("main form").get_by_role("button", name=text["submit"]["send"], exact=True).click()

    # After sending: the list says it was received and on which working day the office starts.
    expect(page.locator("main .notice", has_text=text["cases"]["just_sent"])).to_be_visible()
    wait_for_empty_outbox(page)
    case = wait_until(lambda: next(iter(resident.get("/cases")["items"]), None), message="the complaint never arrived")
    assert case["status"] == "submitted" and case["handling_starts_on"] is not None
    starts = _starts_text(messages, locale, case["handling_starts_on"])
    expect(page.locator("main .notice", has_text=text["cases"]["just_sent"])).to_contain_text(starts)
    expect(page.locator("main li", has_text=case["title"])).to_contain_text(starts)
    assert axe_violations(page) == []

    page.locator("main a.card-link", has_text=case["title"]).click()
    expect(page.locator("#case-starts-on")).to_have_text(starts)
    assert axe_violations(page) == []

    # Accepted: the start day has come, the case shows its deadline instead.
    staff = api_as(page, server, STAFF, locale)
    staff.transition(case["id"], "accept")
    page.reload()
    expect(page.locator("main .status")).to_have_text(messages[locale]["case"]["status"]["accepted"])
    expect(page.locator("#case-starts-on")).to_have_count(0)


def _first_unknown_year() -> int:
    year = dt.datetime.now(BEIJING).year
    calendar = WorkCalendar()
    while calendar.national_data(year):
        year += 1
    return year


@pytest.mark.parametrize("locale", ["zh-Hans", "zh-Hant"])
def test_the_admin_is_warned_and_the_imported_notice_ends_the_warning(page: Page, start_server, messages, locale):
    server = start_server()
    text = messages[locale]["ui"]["admin"]["holidays"]
    unknown = _first_unknown_year()
    now = dt.datetime.now(BEIJING)
    this_year = now.year
    # Working days from today to about 10 January of that year: the deadline lies in it, not beyond.
    target = dt.datetime(unknown, 1, 10, 12, tzinfo=BEIJING)
    limit = max(5, WorkCalendar().workdays_between(now, target, BEIJING_ZONE)) if unknown > this_year else 5
    if limit > 365:
        pytest.skip(f"chinesecalendar knows the years up to {unknown - 1}: no time limit reaches an unknown year")
    # A case whose deadline reaches into the year the national calendar does not know.
    admin_api = api_as(page, server, ADMIN, locale)
    admin_api.post(
        "/services",
        {
            "code": "TST-901",
            "category": "civil_affairs",
            "name_hans": "长期事项",
            "description_hans": "测试",
            "materials_hans": ["身份证"],
            "time_limit_days": limit,
            "channels": ["online"],
        },
    )
    resident = api_as(page, server, RESIDENT, locale)
    case = resident.post(
        "/cases",
        {
            "kind": "request",
            "service_code": "TST-901",
            "title": "长期",
            "description": "测试",
            "region": "990101001001001",
        },
    )
    api_as(page, server, STAFF, locale).transition(case["id"], "accept")
    assert dt.date.fromisoformat(admin_api.get(f"/cases/{case['id']}")["deadline"][:10]).year == unknown

    # Where the admin lands (the desk): the warning, with the way to the import.
    open_app(page, server, ADMIN, locale=locale, route="/desk")
    warning = page.locator("#calendar-warning")
    expect(warning).to_contain_text(f"{unknown}")
    assert axe_violations(page) == []
    warning.get_by_role("link", name=text["enter_notice"]).click()
    expect(page.locator("main h1")).to_have_text(text["title"])
    expect(page.locator("#calendar-warning")).to_contain_text(f"{unknown}")
    for _ in range(unknown - this_year):
        page.get_by_role("button", name=text["year"].replace("{year}", str(this_year + 1 + _))).click()
    expect(page.locator("#holiday-year-known")).to_have_text(text["not_known"].replace("{year}", str(unknown)))

    # A line it cannot read: the reason, naming the line, and nothing is saved.
    notice = page.get_by_label(text["notice_label"].replace("{year}", str(unknown)))
    notice.fill("元旦：1月1日放假。\n春节：二月五日至十一日放假")
    page.get_by_role("button", name=text["preview"]).click()
    import_form = page.get_by_role("region", name=text["import_title"].replace("{year}", str(unknown)))
    expect(import_form.get_by_role("alert")).to_contain_text("第2行")
    assert axe_violations(page) == []
    assert admin_api.get(f"/holidays?year={unknown}")["items"] == []

    # The notice as pasted: previewed, then saved; the year is known and the warning is gone.
    saturday = next(dt.date(unknown, 2, d) for d in range(1, 8) if dt.date(unknown, 2, d).weekday() == 5)
    notice.fill(
        f"国务院办公厅关于{unknown}年部分节假日安排的通知\n"
        f"一、元旦：1月1日放假，共1天。\n二、春节：2月{saturday.day + 1}日至{saturday.day + 3}日放假调休，共3天。"
        f"2月{saturday.day}日（星期六）上班。"
    )
    page.get_by_role("button", name=text["preview"]).click()
    expect(page.locator("#holiday-preview")).to_contain_text(text["preview_title"].replace("{count}", "5"))
    assert admin_api.get(f"/holidays?year={unknown}")["items"] == []  # a preview saves nothing
    assert axe_violations(page) == []
    page.get_by_role("button", name=text["import_save"].replace("{count}", "5")).click()
    expect(
        page.locator("main [role=status]", has_text=text["imported"].replace("{year}", str(unknown)))
    ).to_be_visible()
    expect(page.locator("#holiday-year-known")).to_have_text(text["known_notice"].replace("{year}", str(unknown)))
    expect(page.locator("#calendar-warning")).to_have_count(0)
    saved = {item["date"]: item["is_workday"] for item in admin_api.get(f"/holidays?year={unknown}")["items"]}
    assert saved[saturday.isoformat()] is True and saved[f"{unknown}-01-01"] is False
    assert admin_api.get("/holidays/status")["unknown_years"] == []
    assert axe_violations(page) == []
