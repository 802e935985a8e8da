"""Signing in with a phone number and the code the server "texts" (prints to its log).

Each test asks codes for a different demo phone, so the per-phone resend limit
of one test never gets in the way of another.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.resident import wait_until

pytestmark = pytest.mark.e2e

RESIDENT = "13800000001"
GRID_WORKER = "13800000002"
STAFF = "13800000003"


def filled_in(template: str) -> re.Pattern[str]:
    """Matches a message with its placeholders filled: "{seconds}秒后…" → r".+?秒后…"."""
    return re.compile("^" + ".+?".join(re.escape(part) for part in re.split(r"\{\w+\}", template)) + "$")


def ask_for_code(page: Page, live_server, text: dict, phone: str) -> str:
    """Fills the phone, presses 获取验证码 and returns the code from the server log."""
    seen = live_server.otp_count(phone)
    page.get_by_label(text["signin"]["phone_label"]).fill(phone)
    with page.expect_request("**/api/v1/auth/otp") as request:
        page.get_by_role("button", name=text["signin"]["send_code"]).click()
    assert request.value.headers["accept-language"] == page.evaluate("document.documentElement.lang")
    # The browser's own device key goes with it (a known device keeps its own sign-in budget).
    assert request.value.post_data_json["device_key"] == page.evaluate("localStorage.getItem('bianmin.device')")
    expect(page.get_by_label(text["signin"]["code_label"])).to_be_focused()
    return live_server.wait_for_new_otp(phone, seen)


def test_resident_signs_in_with_the_texted_code_and_signs_out(page: Page, live_server, messages):
    text = messages["zh-Hans"]
    page.goto(live_server.url)
    code = ask_for_code(page, live_server, text, RESIDENT)
    expect(page.get_by_text(filled_in(text["signin"]["code_sent"]))).to_be_visible()
    expect(page.get_by_role("button", name=filled_in(text["signin"]["resend_in"]))).to_be_disabled()

    page.get_by_label(text["signin"]["code_label"]).fill(code)
    with page.expect_response("**/api/v1/auth/login") as answer:
        page.get_by_role("button", name=text["signin"]["submit"], exact=True).click()
    assert answer.value.status == 200
    name = answer.value.json()["user"]["name"]

    greeting = text["signin"]["signed_in"].format(name=name)
    expect(page.get_by_role("heading", level=1)).to_have_text(greeting)
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    assert page.evaluate("location.hash") == "#/"
    assert page.evaluate("JSON.parse(localStorage.getItem('bianmin.session')).access_token")
    page.screenshot(path="/tmp/bianmin-home-zh-Hans.png", full_page=True)

    page.reload()  # the session survives a reload
    expect(page.get_by_role("heading", level=1)).to_have_text(greeting)

    page.get_by_role("button", name=text["signin"]["sign_out"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text["signin"]["title"])
    assert page.evaluate("localStorage.getItem('bianmin.session')") is None


@pytest.mark.parametrize(("locale", "phone"), [("zh-Hans", GRID_WORKER), ("zh-Hant", STAFF)])
def test_wrong_code_shows_the_servers_message_in_the_readers_script(page: Page, live_server, messages, locale, phone):
    text = messages[locale]
    page.goto(f"{live_server.url}/?lang={locale}")
    code = ask_for_code(page, live_server, text, phone)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    page.get_by_label(text["signin"]["code_label"]).fill(wrong)
    page.get_by_role("button", name=text["signin"]["submit"], exact=True).click()

    expect(page.get_by_role("alert")).to_have_text(text["error"]["auth"]["code_wrong"])
    expect(page.get_by_label(text["signin"]["code_label"])).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("location.hash") == "#/signin"


def test_short_phone_number_is_refused_before_anything_is_sent(page: Page, live_server, messages):
    text = messages["zh-Hans"]
    page.goto(live_server.url)
    sent = []
    page.on("request", lambda request: sent.append(request.url) if "/api/" in request.url else None)

    page.get_by_label(text["signin"]["phone_label"]).fill("1380000")
    page.get_by_role("button", name=text["signin"]["send_code"]).click()

    expect(page.get_by_role("alert")).to_have_text(text["error"]["auth"]["phone_invalid"])
    expect(page.get_by_label(text["signin"]["phone_label"])).to_be_focused()
    assert sent == []


def test_deep_link_while_signed_out_leads_to_signin(page: Page, live_server, messages):
    page.goto(f"{live_server.url}/#/")
    expect(page.get_by_role("heading", level=1)).to_have_text(messages["zh-Hans"]["signin"]["title"])
    assert page.evaluate("location.hash") == "#/signin"


def open_signed_in(page: Page, live_server, phone: str) -> dict:
    """Opens the app with a session for ``phone`` already stored, as after an earlier sign-in."""
    token = live_server.token(phone)
    user = page.request.get(
        f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}", "Accept-Language": "zh-Hans"}
    ).json()
    page.goto(live_server.url)
    page.evaluate(
        "([token, user]) => localStorage.setItem('bianmin.session', JSON.stringify({access_token: token, user}))",
        [token, user],
    )
    page.reload()
    # A stored session found on the sign-in screen is led to the role's home; wait until the
    # signed-in app stands (its navigation bar, off the sign-in screen), so a navigation the
    # test makes next is not overtaken by that move.
    page.wait_for_function("() => location.hash !== '#/signin' && document.querySelector('nav.navbar') !== null")
    return {"token": token, "user": user}


def test_script_and_elder_mode_chosen_while_signed_in_are_saved_to_the_profile(page: Page, live_server, messages):
    session = open_signed_in(page, live_server, GRID_WORKER)
    page.goto(f"{live_server.url}/#/")  # a grid worker lands in 我的任务; the script row is on 首页
    hans, hant = messages["zh-Hans"], messages["zh-Hant"]
    expect(page.get_by_text(hans["role"]["grid_worker"])).to_be_visible()

    page.get_by_role("button", name=hans["locale"]["zh-Hant"]).click()
    expect(page.get_by_text(hant["role"]["grid_worker"])).to_be_visible()
    page.get_by_role("button", name=hant["app"]["elder_mode"]).click()

    def profile() -> dict:
        answer = page.request.get(
            f"{live_server.url}/api/v1/me",
            headers={"Authorization": f"Bearer {session['token']}", "Accept-Language": "zh-Hant"},
        )
        return answer.json()

    def saved_choices() -> dict | None:
        saved = profile()
        return saved if saved["locale"] == "zh-Hant" and saved["elder_mode"] else None

    saved = wait_until(saved_choices, message="the script and elder mode were not saved to the profile")
    # The region's name comes from the server, now in Traditional script.
    assert saved["region"] is not None
    expect(page.get_by_text(saved["region"]["name"])).to_be_visible()


def test_too_many_code_requests_show_the_servers_message_and_a_countdown(page: Page, start_server, messages):
    server = start_server()  # a fresh database: this test uses up the sign-in budget
    text = messages["zh-Hans"]
    phone = "13800000004"
    for _ in range(10):
        answer = page.request.post(
            f"{server.url}/api/v1/auth/otp", data={"phone": phone}, headers={"Accept-Language": "zh-Hans"}
        )
        if answer.status == 429:
            break
    assert answer.status == 429

    page.goto(server.url)
    page.get_by_label(text["signin"]["phone_label"]).fill(phone)
    page.get_by_role("button", name=text["signin"]["send_code"]).click()

    expect(page.get_by_role("alert")).to_have_text(filled_in(text["error"]["auth"]["too_many_attempts"]))
    expect(page.get_by_role("button", name=filled_in(text["signin"]["resend_in"]))).to_be_disabled()
