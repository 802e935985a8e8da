"""One script on one screen: the screen, the server's answers and people's typed words
all in the script the user saved (signed out, the device's), and times on the 24-hour
dial in both scripts."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.desk import wait_loaded
from tests.e2e.resident import HOME_GRID, RESIDENT, STAFF, add_user, api_as, axe_violations, open_app, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.own_server("the users' saved scripts change here")]

#: Typed in Simplified, with the characters a blind tw2s / s2tw gets wrong (著, 后, 干, 只, 发).
TYPED = "他显著提高了，后来干了一只发卡"
IN_TRADITIONAL = "他顯著提高了，後來幹了一隻髮卡"
#: A date and time as the app writes them; the hour part catches a 上午/下午.
WHEN = re.compile(r"\d{4}/\d{1,2}/\d{1,2}\s*(\S*?)\s*(\d{1,2}):\d{2}")


def me(page: Page, live_server, phone: str) -> dict:
    answer = page.request.get(
        f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {live_server.token(phone)}"}
    )
    assert answer.ok, answer.text()
    return answer.json()


def save_script(page: Page, live_server, phone: str, locale: str) -> None:
    api = api_as(page, live_server, phone, locale)
    answer = page.request.patch(f"{live_server.url}/api/v1/me", data={"locale": locale}, headers=api.headers())
    assert answer.ok and answer.json()["locale_chosen"], answer.text()


def file_case(page: Page, live_server, phone: str = RESIDENT) -> str:
    """A complaint whose title the resident typed in Simplified; its title (with a tag to find it)."""
    save_script(page, live_server, phone, "zh-Hans")
    tag = uuid.uuid4().hex[:6]
    api_as(page, live_server, phone).post(
        "/cases", {"kind": "complaint", "title": f"{TYPED} {tag}", "description": TYPED, "region": HOME_GRID}
    )
    return tag


def sign_in(page: Page, live_server, text: dict, phone: str) -> None:
    """Signs in through the sign-in screen, in whatever script it shows (``text``)."""
    seen = live_server.otp_count(phone)
    page.get_by_label(text["signin"]["phone_label"]).fill(phone)
    page.get_by_role("button", name=text["signin"]["send_code"]).click()
    code = live_server.wait_for_new_otp(phone, seen)
    page.get_by_label(text["signin"]["code_label"]).fill(code)
    with page.expect_response("**/api/v1/auth/login") as answer:
        page.get_by_role("button", name=text["signin"]["submit"], exact=True).click()
    assert answer.value.status == 200


def case_title(page: Page, tag: str):
    return page.locator(".card-title").filter(has_text=tag)


@pytest.mark.parametrize("browser_locale", ["zh-TW"])
def test_signing_in_on_a_traditional_phone_shows_the_saved_simplified_script_and_data(
    page: Page, live_server, messages
):
    tag = file_case(page, live_server)  # the resident saved zh-Hans
    page.goto(live_server.url)
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")  # signed out: the phone's script
    sign_in(page, live_server, messages["zh-Hant"], RESIDENT)
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.goto(f"{live_server.url}/#/cases")
    expect(page.get_by_role("heading", level=1)).to_have_text(messages["zh-Hans"]["ui"]["cases"]["title"])
    expect(case_title(page, tag)).to_have_text(f"{TYPED} {tag}")  # as typed: 显著, not 显着
    assert me(page, live_server, RESIDENT)["locale"] == "zh-Hans"
    assert axe_violations(page) == []


@pytest.mark.parametrize("browser_locale", ["zh-TW"])
def test_a_user_who_never_chose_a_script_gets_the_phones_saved(page: Page, live_server, messages):
    phone = "13800000071"
    add_user(live_server, phone, name="陳大文")
    assert me(page, live_server, phone)["locale_chosen"] is False
    page.goto(live_server.url)
    sign_in(page, live_server, messages["zh-Hant"], phone)
    wait_until(lambda: me(page, live_server, phone)["locale_chosen"], message="the phone's script was not saved")
    assert me(page, live_server, phone)["locale"] == "zh-Hant"
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    greeting = messages["zh-Hant"]["signin"]["signed_in"].format(name="陳大文")
    expect(page.get_by_role("heading", level=1)).to_have_text(greeting)
    assert axe_violations(page) == []


def test_the_settings_switch_saves_the_script_and_the_data_follows(page: Page, live_server, messages):
    tag = file_case(page, live_server)
    open_app(page, live_server, locale="zh-Hant", route="/cases")
    expect(case_title(page, tag)).to_have_text(f"{IN_TRADITIONAL} {tag}")
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/#/settings")
    hant = messages["zh-Hant"]
    script = page.get_by_role("group", name=hant["app"]["script"])
    script.get_by_role("button", name=hant["locale"]["zh-Hans"]).click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    wait_until(lambda: me(page, live_server, RESIDENT)["locale"] == "zh-Hans", message="the switch was not saved")

    page.goto(f"{live_server.url}/#/cases")
    expect(case_title(page, tag)).to_have_text(f"{TYPED} {tag}")
    page.reload()  # the saved script, not the device's, after a reload too
    expect(case_title(page, tag)).to_have_text(f"{TYPED} {tag}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert axe_violations(page) == []


@pytest.mark.parametrize("locale", ["zh-Hans", "zh-Hant"])
def test_times_read_on_the_24_hour_dial_in_both_scripts(page: Page, live_server, locale):
    tag = file_case(page, live_server)
    open_app(page, live_server, locale=locale, route="/cases")
    expect(case_title(page, tag)).to_be_visible()
    page.get_by_role("link", name=re.compile(tag)).click()
    expect(page.locator(".timeline-head .meta").first).to_have_text(WHEN)
    shown = page.locator(".timeline-head .meta").all_text_contents() + page.locator(".meta").all_text_contents()
    times = [match for text in shown for match in WHEN.findall(text)]
    assert times, shown
    assert all(prefix == "" for prefix, _ in times), times  # no 上午/下午
    assert axe_violations(page) == []


def test_staff_type_a_notice_in_traditional_only_and_each_script_reads_it(page: Page, live_server, messages):
    hant = messages["zh-Hant"]
    notices = hant["ui"]["desk"]["notices"]
    tag = uuid.uuid4().hex[:6]
    title, body = f"停水通知 {tag}", "後來頭髮乾了，就幹活去，顯著養了一隻貓"
    open_app(page, live_server, STAFF, locale="zh-Hant", route="/desk/manage/notices")
    wait_loaded(page, messages, "zh-Hant")
    traditional = page.get_by_role("group", name=hant["ui"]["desk"]["catalog"]["script_hant"])
    traditional.get_by_label(notices["field_title"]).fill(title)
    traditional.get_by_label(notices["field_body"]).fill(body)
    page.get_by_role("button", name=notices["publish"]).click()
    expect(page.get_by_role("status").filter(has_text=notices["done"])).to_be_visible()
    published = page.locator(".card").filter(has=page.get_by_role("heading", name=title))
    expect(published.locator(".notice-body")).to_have_text(body)  # as typed
    assert axe_violations(page) == []
    save_script(page, live_server, RESIDENT, "zh-Hans")
    [read] = [item for item in api_as(page, live_server, RESIDENT).get("/notices")["items"] if tag in item["title"]]
    assert read["body"] == "后来头发干了，就干活去，显著养了一只猫"  # the resident's screen is Simplified
