"""Off-hours submissions (handling_starts_on) and years the national calendar does not know (issue 19, 5 and 6)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import error_code

from .helpers import move, submit
from .test_supervision import _service_with_limit

API = "/api/v1"


def local(year, month, day, hour, minute=0) -> datetime:
    """A Shanghai wall-clock time as the UTC instant the travel clock takes."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)


def end_of_day_utc(year, month, day) -> datetime:
    return datetime(year, month, day, 15, 59, 59, 999999, tzinfo=UTC)


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def _filed_at(client, auth, clock, when: datetime) -> dict:
    clock.set(when)
    response = await submit(client, await auth.role("resident"))
    assert response.status_code == 201, response.text
    return response.json()


# -- item 5: submitted outside working hours ------------------------------------------------


async def test_within_office_hours_there_is_no_start_day(client, auth, clock):
    case = await _filed_at(client, auth, clock, local(2026, 11, 23, 10))  # Monday 10:00
    assert case["handling_starts_on"] is None


@pytest.mark.parametrize(
    ("filed", "starts"),
    [
        (local(2026, 11, 23, 7, 59), "2026-11-23"),  # Monday before 08:30: that same morning
        (local(2026, 11, 23, 8, 29), "2026-11-23"),
        (local(2026, 11, 23, 17, 30), "2026-11-24"),  # Monday at closing: Tuesday
        (local(2026, 11, 27, 21), "2026-11-30"),  # Friday evening: Monday
        (local(2026, 11, 28, 11), "2026-11-30"),  # Saturday noon: Monday
        # Spring Festival 2026 (chinesecalendar): Feb 15-23 off, Saturday Feb 14 a make-up working day.
        (local(2026, 2, 13, 18), "2026-02-14"),
        (local(2026, 2, 14, 18), "2026-02-24"),
        (local(2026, 2, 15, 10), "2026-02-24"),
        (local(2026, 2, 23, 23, 59), "2026-02-24"),
    ],
)
async def test_outside_office_hours_the_answer_says_the_working_day_it_starts(client, auth, clock, filed, starts):
    case = await _filed_at(client, auth, clock, filed)
    assert case["handling_starts_on"] == starts
    resident = await auth.role("resident")
    clock.set(local(2026, 3, 2, 10))  # read later, within hours: the day it was told stays
    detail = (await client.get(f"{API}/cases/{case['id']}", headers=resident)).json()
    assert detail["handling_starts_on"] == starts
    listed = (await client.get(f"{API}/cases", headers=resident)).json()["items"]
    assert next(item for item in listed if item["id"] == case["id"])["handling_starts_on"] == starts
    lookup = await client.get(f"{API}/cases/lookup", params={"receipt_no": case["receipt_no"], "phone": "13800000001"})
    assert lookup.status_code == 200, lookup.text
    assert lookup.json()["handling_starts_on"] == starts


async def test_a_countys_own_day_off_moves_the_start_day(client, auth, clock):
    """The county gives Feb 24 too: the office starts on Wednesday the 25th."""
    put = await client.put(
        f"{API}/holidays",
        json={"year": 2026, "items": [{"date": "2026-02-24", "is_workday": False, "note": "县里多放一天"}]},
        headers=await auth.role("admin"),
    )
    assert put.status_code == 200, put.text
    case = await _filed_at(client, auth, clock, local(2026, 2, 20, 10))
    assert case["handling_starts_on"] == "2026-02-25"


@pytest.mark.parametrize("settings", [{"working_hours": "09:00-12:00"}], indirect=True)
async def test_the_office_hours_are_a_setting(client, auth, clock):
    assert (await _filed_at(client, auth, clock, local(2026, 11, 23, 8, 45)))["handling_starts_on"] == "2026-11-23"
    assert (await _filed_at(client, auth, clock, local(2026, 11, 23, 11)))["handling_starts_on"] is None
    assert (await _filed_at(client, auth, clock, local(2026, 11, 23, 13)))["handling_starts_on"] == "2026-11-24"


# -- item 6: years the calendar does not know ----------------------------------------------

NOTICE_2027 = (
    "国务院办公厅关于2027年部分节假日安排的通知\n"
    "一、元旦：1月1日（星期五）至3日（星期日）放假，共3天。\n"
    "\n"
    "二、春节：2月5日（星期五）至11日（星期四）放假调休，共7天。2月13日（星期六）上班。\n"
)


async def _accepted(client, auth, clock, when: datetime, days: int) -> dict:
    code = await _service_with_limit(client, auth, days)
    clock.set(when)
    case = (await submit(client, await auth.role("resident"), service_code=code)).json()
    accepted = await move(client, await auth.role("staff"), case["id"], "accept")
    assert accepted.status_code == 200, accepted.text
    return accepted.json()


async def test_the_admin_is_warned_about_next_year_until_its_notice_is_entered(client, auth, clock):
    admin = await auth.role("admin")
    status = (await client.get(f"{API}/holidays/status", headers=admin)).json()
    assert status == {"unknown_years": [2027], "checked_years": [2026, 2027]}  # late November 2026
    known = (await client.get(f"{API}/holidays", params={"year": 2026}, headers=admin)).json()
    assert known["calendar_known"] is True and known["national"] is True
    unknown = (await client.get(f"{API}/holidays", params={"year": 2027}, headers=admin)).json()
    assert unknown["calendar_known"] is False and unknown["notice_entered_at"] is None

    # A one-by-one override is not the notice: the year stays unknown.
    put = await client.put(
        f"{API}/holidays", json={"year": 2027, "items": [{"date": "2027-01-01", "is_workday": False}]}, headers=admin
    )
    assert put.status_code == 200 and put.json()["calendar_known"] is False
    assert (await client.get(f"{API}/holidays/status", headers=admin)).json()["unknown_years"] == [2027]

    imported = await client.post(f"{API}/holidays/import", json={"year": 2027, "text": NOTICE_2027}, headers=admin)
    assert imported.status_code == 200, imported.text
    assert imported.json()["calendar"]["calendar_known"] is True
    assert (await client.get(f"{API}/holidays/status", headers=admin)).json()["unknown_years"] == []
    year = (await client.get(f"{API}/holidays", params={"year": 2027}, headers=admin)).json()
    assert parse(year["notice_entered_at"]) == clock.now()
    days = {item["date"]: (item["is_workday"], item["note"]) for item in year["items"]}
    assert days["2027-01-01"] == (False, "元旦") and days["2027-02-13"] == (True, "春节")
    assert [day for day in days if day.startswith("2027-02") and not days[day][0]] == [
        f"2027-02-{d:02d}" for d in range(5, 12)
    ]


async def test_a_year_open_deadlines_reach_is_checked_too(client, auth, clock):
    """In March, next year is not asked about yet, unless a case's deadline lies in it."""
    admin = await auth.role("admin")
    clock.set(local(2026, 3, 2, 10))
    assert (await client.get(f"{API}/holidays/status", headers=admin)).json() == {
        "unknown_years": [],
        "checked_years": [2026],
    }
    await _accepted(client, auth, clock, local(2026, 3, 2, 10), 250)  # 250 working days: into 2027
    status = (await client.get(f"{API}/holidays/status", headers=admin)).json()
    assert status == {"unknown_years": [2027], "checked_years": [2026, 2027]}


async def test_a_deadline_in_2027_is_counted_warned_about_and_corrected_by_the_notice(client, auth, clock):
    admin = await auth.role("admin")
    # Accepted Monday 28 Dec 2026 with 10 working days: Monday-Friday into 2027 gives 11 January.
    case = await _accepted(client, auth, clock, local(2026, 12, 28, 10), 10)
    assert parse(case["deadline"]) == end_of_day_utc(2027, 1, 11)
    # Accepted too, but its deadline lies before the new year's first day the notice changes.
    early = await _accepted(client, auth, clock, local(2026, 12, 28, 10), 2)
    assert parse(early["deadline"]) == end_of_day_utc(2026, 12, 30)
    assert (await client.get(f"{API}/holidays/status", headers=admin)).json()["unknown_years"] == [2027]

    preview = await client.post(
        f"{API}/holidays/import", json={"year": 2027, "text": NOTICE_2027, "dry_run": True}, headers=admin
    )
    assert preview.status_code == 200, preview.text
    assert preview.json()["dry_run"] is True and preview.json()["moved_cases"] == 1
    assert len(preview.json()["items"]) == 11  # 3 + 7 days off, 1 make-up day
    # A preview changes nothing.
    assert (await client.get(f"{API}/holidays", params={"year": 2027}, headers=admin)).json()["items"] == []
    detail = (await client.get(f"{API}/cases/{case['id']}", headers=admin)).json()
    assert parse(detail["deadline"]) == end_of_day_utc(2027, 1, 11)

    clock.set(local(2026, 12, 29, 9))
    done = await client.post(
        f"{API}/holidays/import",
        json={"year": 2027, "text": NOTICE_2027},
        headers={**admin, "Idempotency-Key": "notice-2027"},
    )
    assert done.status_code == 200 and done.json()["moved_cases"] == 1
    moved = (await client.get(f"{API}/cases/{case['id']}", headers=admin)).json()
    # 1 January 2027 is now a holiday (a Friday): still 10 working days, the last on 12 January.
    assert parse(moved["deadline"]) == end_of_day_utc(2027, 1, 12)
    assert moved["timeline"][-1]["action"] == "deadline_moved"
    assert moved["timeline"][-1]["action_label"] == "按节假日安排调整办结期限"
    untouched = (await client.get(f"{API}/cases/{early['id']}", headers=admin)).json()
    assert parse(untouched["deadline"]) == end_of_day_utc(2026, 12, 30)
    assert (await client.get(f"{API}/holidays/status", headers=admin)).json()["unknown_years"] == []

    # The phone re-sends with its key: the first answer again, nothing moved twice.
    again = await client.post(
        f"{API}/holidays/import",
        json={"year": 2027, "text": NOTICE_2027},
        headers={**admin, "Idempotency-Key": "notice-2027"},
    )
    assert again.json() == done.json()
    # The same notice entered once more: nothing left to move.
    repeat = await client.post(f"{API}/holidays/import", json={"year": 2027, "text": NOTICE_2027}, headers=admin)
    assert repeat.json()["moved_cases"] == 0
    assert parse((await client.get(f"{API}/cases/{case['id']}", headers=admin)).json()["deadline"]) == end_of_day_utc(
        2027, 1, 12
    )
    # A case accepted after the import counts on the notice from the start.
    later = await _accepted(client, auth, clock, local(2026, 12, 29, 10), 3)
    assert parse(later["deadline"]) == end_of_day_utc(2027, 1, 4)  # 30 and 31 Dec, then 1-3 Jan off: 4 Jan


async def test_a_make_up_working_day_never_brings_a_promised_deadline_forward(client, auth, clock):
    admin = await auth.role("admin")
    case = await _accepted(client, auth, clock, local(2026, 12, 28, 10), 10)
    done = await client.post(
        f"{API}/holidays/import", json={"year": 2027, "text": "某节：1月2日（星期六）上班。"}, headers=admin
    )
    assert done.status_code == 200 and done.json()["moved_cases"] == 0
    detail = (await client.get(f"{API}/cases/{case['id']}", headers=admin)).json()
    assert parse(detail["deadline"]) == end_of_day_utc(2027, 1, 11)


@pytest.mark.parametrize(
    ("text", "code", "locale", "message_part"),
    [
        ("元旦：1月1日放假。\n春节：二月五日至十一日放假", "holiday.notice_unreadable", "zh-Hans", "第2行读不懂"),
        ("元旦：1月1日放假。\n春节：二月五日至十一日放假", "holiday.notice_unreadable", "zh-Hant", "第2行讀不懂"),
        ("春节：2月30日放假。", "holiday.notice_bad_date", "zh-Hans", "第1行"),
        # The 2026 notice's make-up Saturday pasted under 2027: 14 February 2027 is a Sunday.
        ("春节：2月14日（星期六）上班。", "holiday.notice_weekday", "zh-Hans", "星期对不上"),
        ("元旦：2029年1月5日放假。", "holiday.notice_wrong_year", "zh-Hans", "不在2027年"),
        ("元旦：1月1日放假。\n补班：1月1日上班。", "holiday.notice_conflict", "zh-Hans", "第2行"),
        ("国务院办公厅关于2027年部分节假日安排的通知", "holiday.notice_empty", "zh-Hans", "没有读到任何日期"),
    ],
)
async def test_a_notice_with_an_unreadable_line_changes_nothing(client, auth, text, code, locale, message_part):
    admin = await auth.role("admin")
    answer = await client.post(
        f"{API}/holidays/import",
        json={"year": 2027, "text": text},
        headers={**admin, "Accept-Language": "zh-TW" if locale == "zh-Hant" else "zh-CN"},
    )
    assert answer.status_code == 400, answer.text
    assert error_code(answer) == code
    if locale == "zh-Hant":
        await client.patch(f"{API}/me", json={"locale": "zh-Hant"}, headers=admin)
        answer = await client.post(f"{API}/holidays/import", json={"year": 2027, "text": text}, headers=admin)
    assert message_part in answer.json()["error"]["message"]
    if code != "holiday.notice_empty":
        assert answer.json()["error"]["details"]["lines"][0]["code"] == code
    assert (await client.get(f"{API}/holidays", params={"year": 2027}, headers=admin)).json()["items"] == []
    assert (await client.get(f"{API}/holidays/status", headers=admin)).json()["unknown_years"] == [2027]


async def test_only_admins_see_the_status_and_import(client, auth):
    staff = await auth.role("staff")
    assert (await client.get(f"{API}/holidays/status", headers=staff)).status_code == 403
    answer = await client.post(f"{API}/holidays/import", json={"year": 2027, "text": NOTICE_2027}, headers=staff)
    assert answer.status_code == 403
    admin = await auth.role("admin")
    assert (await client.get(f"{API}/holidays", params={"year": 2027}, headers=admin)).json()["items"] == []
    assert date(2027, 1, 1).weekday() == 4  # the notice above names it a Friday
