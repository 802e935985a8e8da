"""Filed outside working hours: after submitting, the resident's list and the case say
the day the office starts on it ("周一（1月4日）开始受理"), in both scripts, axe at 0.

A real server keeps real time, so today is made a non-working day the way a county
does it: the admin enters it as a holiday (PUT /holidays) on a server of the test's own."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.desk import ADMIN, wait_loaded
from tests.e2e.resident import RESIDENT, api_as, axe_violations, beijing_day, open_app

pytestmark = pytest.mark.e2e

WEEKDAYS = {
    "zh-Hans": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
    "zh-Hant": ["週一", "週二", "週三", "週四", "週五", "週六", "週日"],
}


def _starts_on(template: str, day: dt.date, locale: str) -> str:
    return template.replace("{weekday}", WEEKDAYS[locale][day.weekday()]).replace("{date}", f"{day.month}月{day.day}日")


@pytest.mark.parametrize("locale", ["zh-Hans", "zh-Hant"])
def test_a_case_filed_on_a_holiday_says_the_day_handling_starts(page: Page, start_server, messages, locale):
    text = messages[locale]
    server = start_server()
    today = beijing_day()
    admin = api_as(page, server, ADMIN)
    answer = page.request.put(
        f"{server.url}/api/v1/holidays",
        data={
            "year": today.year,
            "items": [{"date": today.isoformat(), "is_workday": False, "note": "测试：今天放假"}],
        },
        headers=admin.headers(),
    )
    assert answer.ok, answer.text()

    open_app(page, server, RESIDENT, locale=locale, route="/submit?kind=complaint")
    title = f"节日里路灯不亮{locale}"
    page.get_by_label(text["ui"]["submit"]["case_title"]).fill(title)
    page.get_by_label(text["ui"]["submit"]["description"]).fill("村口的路灯从昨晚起不亮了。")
    page.get_by_role("button", name=text["ui"]["submit"]["send"], exact=True).click()
    notice = page.locator("main .starts-on")
    expect(notice).to_be_visible()

    [case] = [item for item in api_as(page, server, RESIDENT).get("/cases")["items"] if item["title"] == title]
    detail = api_as(page, server, RESIDENT).get(f"/cases/{case['id']}")
    starts = dt.date.fromisoformat(detail["handling_starts_on"])
    assert starts > today  # today is a holiday: the office starts on a later working day
    expected = _starts_on(text["ui"]["clock"]["starts_on"], starts, locale)
    expect(notice).to_have_text(f"{case['receipt_no']} {expected}")
    assert axe_violations(page) == []

    notice.get_by_role("link", name=case["receipt_no"]).click()
    wait_loaded(page, messages, locale)
    expect(page.locator("main .starts-on")).to_have_text(expected)
    assert axe_violations(page) == []
