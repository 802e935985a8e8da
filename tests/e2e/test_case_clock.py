"""The case clock in the PWA, driven through the screens against a real server, in both
scripts with axe at 0 violations: a paused case shows its pause and what is left, and
the deadline moves when the resident supplies what was asked; staff ask for an
extension, the resident agrees in the app and the deadline moves; staff record a
consent given by phone; an urgent case shows 加急 and leads the lists; 督办 shows the
three colours, each with its word, and filters by them."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.desk import _like, assigned_case, move_clock, new_case, wait_loaded
from tests.e2e.resident import (
    GRID_WORKER,
    HOME_GRID,
    RESIDENT,
    STAFF,
    STEP_TIMEOUT_MS,
    VIEWPORT,
    api_as,
    axe_violations,
    open_app,
)
from tests.e2e.screens import assert_large_enough

pytestmark = [pytest.mark.e2e, pytest.mark.own_server("the lists hold only this module's cases, in a known order")]

LOCALES = ["zh-Hans", "zh-Hant"]
_BEIJING = timedelta(hours=8)


@contextmanager
def _phone(browser: Browser) -> Iterator[Page]:
    """Another person's phone: a context of its own, so two people never share one app's storage."""
    context = browser.new_context(
        viewport=VIEWPORT, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        yield page
    finally:
        context.close()


def _day(instant: str) -> str:
    """The Beijing calendar day of an instant from the API, as both scripts write it: "12月10日"."""
    at = datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(UTC) + _BEIJING
    return f"{at.month}月{at.day}日"


def _typed(locale: str, hans: str, hant: str) -> str:
    """What a person of that script types (and reads back as typed), made unique per run of the test."""
    return (hans if locale == "zh-Hans" else hant) + locale[-4:]


def _fill(template: str, **values: object) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", str(value))
    return template


def _deadline(page: Page, text: dict):
    """The 办结期限 in the case's facts: the deadline as it now stands."""
    return page.locator("dl.facts dt", has_text=text["ui"]["case"]["deadline"]).locator(
        "xpath=following-sibling::dd[1]"
    )


def _no_violations(page: Page, where: str) -> None:
    assert axe_violations(page) == [], where


def _large_enough(page: Page, locale: str, where: str) -> None:
    """Text and tap targets: 长辈模式's sizes in Traditional (opened so), the standard ones in Simplified."""
    if locale == "zh-Hant":
        assert_large_enough(page, where, 18, 24, 60)
    else:
        assert_large_enough(page, where, 16, 18, 44)


def _db(live_server) -> sqlite3.Connection:
    return sqlite3.connect(live_server.data_dir / "bianmin.sqlite3")


def _backdate_pause(live_server, case_id: int, days: int) -> None:
    """The running pause began ``days`` days ago (a real server keeps real time)."""
    with _db(live_server) as db:
        (sample,) = db.execute(
            "SELECT started_at FROM case_pause WHERE case_id = ? AND ended_at IS NULL", (case_id,)
        ).fetchone()
        when = datetime.now(UTC) - timedelta(days=days)
        db.execute(
            "UPDATE case_pause SET started_at = ? WHERE case_id = ? AND ended_at IS NULL",
            (_like(sample, when), case_id),
        )


@pytest.mark.parametrize("locale", LOCALES)
def test_a_paused_case_shows_its_pause_and_what_is_left_and_the_deadline_moves_on_supply(
    page: Page, live_server, messages, locale
):
    text = messages[locale]
    clock = text["ui"]["clock"]
    case = assigned_case(page, live_server, _typed(locale, "低保年审材料", "低保年審材料"))
    worker = api_as(page, live_server, GRID_WORKER)
    worker.transition(case["id"], "start")
    worker.transition(case["id"], "request_info", note="请补交户口簿复印件")
    resident = api_as(page, live_server, RESIDENT)
    paused = resident.get(f"/cases/{case['id']}")
    assert paused["paused"] and paused["pauses"][0]["ended_at"] is None

    # 长辈模式 in one script, standard in the other: both draw the clock.
    open_app(page, live_server, RESIDENT, locale=locale, elder=locale == "zh-Hant", route=f"/cases/{case['id']}")
    wait_loaded(page, messages, locale)
    section = page.get_by_role("region", name=clock["title"])
    expect(section.locator(".clock-paused")).to_have_text(clock["paused_now"])
    left = _fill(clock["remaining_days"], days=paused["remaining_working_days"])
    expect(section.locator(".clock-remaining")).to_have_text(_fill(clock["remaining_paused"], left=left))
    pauses = page.get_by_role("region", name=clock["pauses_title"])
    expect(pauses.locator("li")).to_have_count(1)
    expect(pauses.locator("li strong")).to_have_text(clock["pause_running"])
    _no_violations(page, "paused case")
    _large_enough(page, locale, "paused case")

    # She found the papers a week later: the clock ran on from where it stopped.
    _backdate_pause(live_server, case["id"], days=7)
    page.get_by_label(text["ui"]["case"]["supply_label"]).fill("户口簿复印件已交给网格员")
    page.get_by_role("button", name=text["ui"]["case"]["supply_send"]).click()
    expect(pauses.locator("li strong")).not_to_have_text(clock["pause_running"])
    resumed = resident.get(f"/cases/{case['id']}")
    [pause] = resumed["pauses"]
    assert pause["ended_at"] is not None and pause["working_days"] >= 1  # a week holds a working day
    expect(pauses.locator("li strong")).to_have_text(_fill(clock["pause_days"], days=pause["working_days"]))
    assert resumed["deadline"] > paused["deadline"]
    expect(_deadline(page, text)).to_contain_text(_day(resumed["deadline"]))
    expect(section.locator(".clock-paused")).to_have_count(0)
    expect(section.locator(".clock-remaining")).to_have_text(
        _fill(clock["remaining_days"], days=resumed["remaining_working_days"])
    )
    _no_violations(page, "resumed case")


@pytest.mark.parametrize("locale", LOCALES)
def test_staff_ask_for_an_extension_and_the_resident_agrees_in_the_app(
    page: Page, browser: Browser, live_server, messages, locale
):
    text = messages[locale]
    ext = text["ui"]["clock"]["ext"]
    case = assigned_case(page, live_server, _typed(locale, "宅基地确权", "宅基地確權"))
    before = api_as(page, live_server, STAFF).get(f"/cases/{case['id']}")
    reason = _typed(
        locale,
        "需要到县自然资源局调取1998年的档案，档案室下周才开放。",
        "需要到縣自然資源局調取1998年的檔案，檔案室下週才開放。",
    )

    open_app(page, live_server, STAFF, locale=locale, route=f"/desk/cases/{case['id']}")
    wait_loaded(page, messages, locale)
    ask = page.get_by_role("form", name=ext["ask_title"])
    # Bad input is refused in place and changes nothing.
    ask.get_by_label(ext["days"]).fill("45")
    ask.get_by_label(ext["reason_label"]).fill(reason)
    ask.get_by_role("button", name=ext["send"]).click()
    expect(ask.get_by_role("alert")).to_have_text(ext["days_invalid"])
    assert api_as(page, live_server, STAFF).get(f"/cases/{case['id']}")["extensions"] == []
    ask.get_by_label(ext["days"]).fill("5")
    ask.get_by_role("button", name=ext["send"]).click()
    expect(page.get_by_role("status").filter(has_text=ext["sent"])).to_be_visible()
    history = page.get_by_role("region", name=ext["history"])
    expect(history.locator(".ext-status")).to_have_text(ext["status"]["pending"])
    expect(page.get_by_role("form", name=ext["ask_title"])).to_have_count(0)  # one pending at a time
    expect(page.get_by_role("form", name=ext["consent_title"])).to_be_visible()
    _no_violations(page, "desk case with an extension asked")

    with _phone(browser) as phone:
        open_app(phone, live_server, RESIDENT, locale=locale, elder=locale == "zh-Hant", route=f"/cases/{case['id']}")
        wait_loaded(phone, messages, locale)
        answer = phone.get_by_role("region", name=ext["answer_title"])
        expect(answer.locator(".ext-reason")).to_have_text(reason)  # as typed
        expect(answer).to_contain_text(_fill(ext["days_line"], days=5))
        _no_violations(phone, "resident asked to agree")
        _large_enough(phone, locale, "resident asked to agree")
        answer.get_by_role("button", name=ext["agree"]).click()
        expect(phone.get_by_role("status").filter(has_text=ext["agreed_done"])).to_be_visible()
        expect(phone.get_by_role("region", name=ext["answer_title"])).to_have_count(0)

        after = api_as(phone, live_server, RESIDENT).get(f"/cases/{case['id']}")
        [extension] = after["extensions"]
        assert extension["status"] == "agreed" and extension["consent"] == "app"
        assert after["extended_days"] == 5 and after["deadline"] > before["deadline"]
        clock = phone.get_by_role("region", name=text["ui"]["clock"]["title"])
        expect(clock.locator(".clock-extended")).to_have_text(_fill(text["ui"]["clock"]["extended_days"], days=5))
        expect(_deadline(phone, text)).to_contain_text(_day(after["deadline"]))
        history = phone.get_by_role("region", name=ext["history"])
        expect(history.locator(".ext-status")).to_have_text(ext["status"]["agreed"])
        expect(history.locator(".status-line")).to_contain_text(extension["agreed_by_name"])
        _no_violations(phone, "resident after agreeing")


@pytest.mark.parametrize("locale", LOCALES)
def test_staff_record_a_consent_given_by_phone(page: Page, live_server, messages, locale):
    text = messages[locale]
    ext = text["ui"]["clock"]["ext"]
    case = assigned_case(page, live_server, _typed(locale, "老宅翻建审批", "老宅翻建審批"))
    who = _typed(locale, "王秀英（儿子王志强代接电话）", "王秀英（兒子王志強代接電話）")
    staff = api_as(page, live_server, STAFF, locale)
    staff.post(f"/cases/{case['id']}/extensions", {"days": 3, "reason": "等待乡规划办现场勘查"})
    before = staff.get(f"/cases/{case['id']}")

    open_app(page, live_server, STAFF, locale=locale, route=f"/desk/cases/{case['id']}")
    wait_loaded(page, messages, locale)
    consent = page.get_by_role("form", name=ext["consent_title"])
    consent.get_by_role("button", name=ext["consent_send"]).click()
    expect(consent.get_by_role("alert")).to_have_text(ext["consent_who_required"])
    consent.get_by_label(ext["consent_who"]).fill(who)
    _no_violations(page, "phone consent form")
    consent.get_by_role("button", name=ext["consent_send"]).click()
    expect(page.get_by_role("status").filter(has_text=ext["consent_done"])).to_be_visible()
    expect(page.get_by_role("form", name=ext["consent_title"])).to_have_count(0)

    after = staff.get(f"/cases/{case['id']}")
    [extension] = after["extensions"]
    assert extension["status"] == "agreed" and extension["consent"] == "phone"
    assert extension["agreed_by_name"] == who  # as typed
    assert extension["recorded_by"]["id"] == staff.get("/me")["id"]
    assert after["extended_days"] == 3 and after["deadline"] > before["deadline"]
    history = page.get_by_role("region", name=ext["history"])
    expect(history.locator(".status-line")).to_contain_text(who)
    expect(history.locator(".status-line")).to_contain_text(extension["recorded_by"]["name"])
    expect(_deadline(page, text)).to_contain_text(_day(after["deadline"]))
    _no_violations(page, "desk after the phone consent")


@pytest.mark.parametrize("locale", LOCALES)
def test_an_urgent_case_shows_its_mark_and_leads_the_lists(page: Page, browser: Browser, live_server, messages, locale):
    text = messages[locale]
    clock = text["ui"]["clock"]
    resident = api_as(page, live_server, RESIDENT)
    staff = api_as(page, live_server, STAFF)
    worker = api_as(page, live_server, GRID_WORKER)
    worker_id = worker.get("/me")["id"]
    title = _typed(locale, "自来水管爆裂", "自來水管爆裂")
    other = _typed(locale, "垃圾桶破损", "垃圾桶破損")
    urgent = resident.post(
        "/cases",
        {"kind": "complaint", "title": title, "description": "水漫进了院子。", "region": HOME_GRID, "urgent": True},
    )
    # Filed after it, so newest-first would put it on top: the urgent one must lead anyway.
    later = new_case(page, live_server, other)
    for item in (urgent, later):
        staff.transition(item["id"], "accept")
        staff.transition(item["id"], "assign", assignee_id=worker_id)
    detail = resident.get(f"/cases/{urgent['id']}")
    assert detail["urgent"] and detail["time_limit_hours"] and detail["remaining_hours"] is not None

    open_app(page, live_server, RESIDENT, locale=locale, route="/cases")
    wait_loaded(page, messages, locale)
    row = page.locator("main li", has_text=title)
    expect(row.locator(".flag-urgent")).to_have_text(clock["urgent"])
    expect(page.locator("main li", has_text=other).locator(".flag-urgent")).to_have_count(0)
    _no_violations(page, "resident's list")
    row.get_by_role("link").click()
    wait_loaded(page, messages, locale)
    section = page.get_by_role("region", name=clock["title"])
    expect(section.locator(".flag-urgent")).to_have_text(clock["urgent"])
    expect(section.locator("dd").first).to_have_text(_fill(clock["limit_hours"], hours=detail["time_limit_hours"]))
    # Hours pass while the test runs: the count is the server's, the words the locale's.
    expect(section.locator(".clock-remaining")).to_have_text(
        re.compile("^" + re.escape(clock["remaining_hours"]).replace(re.escape("{hours}"), r"\d+") + "$")
    )
    _no_violations(page, "urgent case")

    with _phone(browser) as phone:
        open_app(phone, live_server, GRID_WORKER, locale=locale, route="/field")
        wait_loaded(phone, messages, locale)
        first = phone.locator("main a.card-link").first
        expect(first).to_contain_text(title)
        expect(first.locator(".flag-urgent")).to_have_text(clock["urgent"])
        _no_violations(phone, "worker's queue")

    with _phone(browser) as phone:
        open_app(phone, live_server, STAFF, locale=locale, route="/desk/supervise")
        wait_loaded(phone, messages, locale)
        phone.get_by_role("radio", name=clock["signal"]["on_track"], exact=True).check()
        on_track = phone.get_by_role("region", name=clock["supervise"]["on_track"])
        expect(on_track.locator("li.desk-case").first).to_contain_text(title)
        expect(on_track.locator("li.desk-case").first.locator(".flag-urgent")).to_have_text(clock["urgent"])
        _no_violations(phone, "督办, on track")
    # Done: out of the worker's queue, so the other script's run finds its own case leading.
    worker.transition(urgent["id"], "start")
    worker.transition(urgent["id"], "resolve", note="已关阀抢修")


@pytest.mark.parametrize("locale", LOCALES)
def test_supervise_shows_the_three_colours_with_their_words_and_filters_by_them(
    page: Page, live_server, messages, locale
):
    text = messages[locale]
    clock = text["ui"]["clock"]
    titles = {
        "late": _typed(locale, "路灯坏了一个月", "路燈壞了一個月"),
        "soon": _typed(locale, "水渠又堵塞了", "水渠又堵塞了"),
        "fine": _typed(locale, "公告栏破损", "公告欄破損"),
    }
    late, soon, fine = (assigned_case(page, live_server, titles[name]) for name in ("late", "soon", "fine"))
    move_clock(live_server, late["id"], overdue=True)
    move_clock(live_server, soon["id"], overdue=False)
    staff = api_as(page, live_server, STAFF)
    signals = {item["id"]: staff.get(f"/cases/{item['id']}")["signal"] for item in (late, soon, fine)}
    assert signals == {late["id"]: "overdue", soon["id"]: "due_soon", fine["id"]: "on_track"}

    open_app(page, live_server, STAFF, locale=locale, route="/desk/supervise")
    wait_loaded(page, messages, locale)
    page.get_by_role("radio", name=clock["supervise"]["all"], exact=True).check()
    for item, signal, section, tone in (
        ("late", "overdue", text["ui"]["desk"]["supervise"]["overdue"], "red"),
        ("soon", "due_soon", text["ui"]["desk"]["supervise"]["due_soon"], "yellow"),
        ("fine", "on_track", clock["supervise"]["on_track"], "green"),
    ):
        row = page.get_by_role("region", name=section).locator("li.desk-case", has_text=titles[item])
        mark = row.locator(".signal")
        # The colour and its word: never colour alone.
        expect(mark).to_have_text(clock["signal"][signal])
        expect(mark).to_have_class(f"signal signal-{tone}")
    _no_violations(page, "督办, all colours")

    page.get_by_role("radio", name=clock["signal"]["overdue"], exact=True).check()
    expect(page.get_by_role("region", name=clock["supervise"]["on_track"])).to_have_count(0)
    expect(page.get_by_role("region", name=text["ui"]["desk"]["supervise"]["due_soon"])).to_have_count(0)
    overdue = page.get_by_role("region", name=text["ui"]["desk"]["supervise"]["overdue"])
    server_overdue = staff.get("/cases?signal=overdue&limit=100")["items"]
    expect(overdue.locator("li.desk-case")).to_have_count(len(server_overdue))
    expect(overdue.locator("li.desk-case", has_text=titles["late"])).to_have_count(1)
    expect(page.locator("main li.desk-case", has_text=titles["fine"])).to_have_count(0)
    _no_violations(page, "督办, overdue only")


@pytest.mark.parametrize("locale", LOCALES)
def test_staff_mark_a_complaint_urgent_as_they_accept_it(page: Page, live_server, messages, locale):
    text = messages[locale]
    clock = text["ui"]["clock"]
    case = new_case(page, live_server, _typed(locale, "变压器冒烟", "變壓器冒煙"))
    assert not case["urgent"]

    open_app(page, live_server, STAFF, locale=locale, route=f"/desk/cases/{case['id']}")
    wait_loaded(page, messages, locale)
    page.get_by_role("checkbox", name=clock["accept_urgent"]).check()
    _no_violations(page, "accept with 加急")
    page.get_by_role("button", name=text["case"]["action"]["accept"], exact=True).click()
    expect(page.get_by_role("status").filter(has_text=text["ui"]["desk"]["case"]["accepted"])).to_be_visible()
    accepted = api_as(page, live_server, STAFF).get(f"/cases/{case['id']}")
    assert accepted["urgent"] and accepted["time_limit_hours"] and accepted["status"] == "accepted"
    expect(page.locator("main p.flag-urgent")).to_have_text(clock["urgent"])
    section = page.get_by_role("region", name=clock["title"])
    expect(section.locator("dd").first).to_have_text(_fill(clock["limit_hours"], hours=accepted["time_limit_hours"]))
    _no_violations(page, "urgent case at the desk")
