"""Signed-in devices: a resident signs in on two phones and, from one, signs the other out.

The attack this closes (issue 18, finding 9): a lost or shared phone stayed signed in
for a month and nothing could end it. Now the list on 设置 ends it, and the other
phone is back at sign-in on its very next request.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.resident import STEP_TIMEOUT_MS, VIEWPORT
from tests.e2e.test_signin import ask_for_code

pytestmark = [pytest.mark.e2e, pytest.mark.own_server("two sign-ins with codes: its own sign-in limits")]

PHONE = "13800000001"
ANDROID_WECHAT = (
    "Mozilla/5.0 (Linux; Android 12; V2118A Build/SP1A; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/120.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.28"
)
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def phone_browser(browser: Browser, user_agent: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(
        viewport=VIEWPORT, is_mobile=True, has_touch=True, locale="zh-CN", user_agent=user_agent
    )
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    return context, page


def sign_in(page: Page, live_server, text: dict, *, keep: bool) -> None:
    page.goto(live_server.url)
    code = ask_for_code(page, live_server, text, PHONE)
    keep_box = page.get_by_label(text["signin"]["remember"])
    expect(keep_box).to_be_checked()  # her own phone, unless she says otherwise
    if not keep:
        keep_box.uncheck()
    page.get_by_label(text["signin"]["code_label"]).fill(code)
    with page.expect_response("**/api/v1/auth/login") as answer:
        page.get_by_role("button", name=text["signin"]["submit"], exact=True).click()
    assert answer.value.status == 200
    assert answer.value.request.post_data_json["remember"] is keep
    expect(page.get_by_role("heading", level=1)).to_have_text(text["signin"]["signed_in"].format(name="王秀英"))


def test_a_device_ended_from_the_list_is_sent_back_to_sign_in(browser: Browser, live_server, messages):
    text = messages["zh-Hans"]
    sessions = text["ui"]["sessions"]
    own, own_page = phone_browser(browser, ANDROID_WECHAT)
    borrowed, borrowed_page = phone_browser(browser, IPHONE_SAFARI)
    try:
        sign_in(own_page, live_server, text, keep=True)
        sign_in(borrowed_page, live_server, text, keep=False)

        own_page.goto(f"{live_server.url}/#/settings")
        devices = own_page.get_by_role("list", name=sessions["title"])
        rows = devices.get_by_role("listitem")
        expect(rows).to_have_count(2)
        wechat = sessions["device"].format(system=sessions["system"]["android"], browser=sessions["browser"]["wechat"])
        safari = sessions["device"].format(system=sessions["system"]["ios"], browser=sessions["browser"]["safari"])
        here = rows.filter(has_text=wechat)
        expect(here).to_contain_text(sessions["this_device"])
        expect(here.get_by_role("button", name=sessions["sign_out_here"])).to_be_visible()

        other = rows.filter(has_text=safari)
        other.get_by_role("button", name=sessions["end"]).click()
        with own_page.expect_response(
            lambda r: "/api/v1/me/sessions/" in r.url and r.request.method == "DELETE"
        ) as ended:
            other.get_by_role("button", name=sessions["end_yes"]).click()
        assert ended.value.status == 204
        expect(own_page.get_by_role("status").filter(has_text=sessions["ended"])).to_be_visible()
        expect(rows).to_have_count(1)

        # The borrowed phone's next request is refused, and it is back at sign-in.
        with borrowed_page.expect_response("**/api/v1/cases*") as refused:
            borrowed_page.goto(f"{live_server.url}/#/cases")
        assert refused.value.status == 401
        expect(borrowed_page.get_by_role("heading", level=1)).to_have_text(text["signin"]["title"])
        assert borrowed_page.evaluate("localStorage.getItem('bianmin.session')") is None

        # The phone that did it is still signed in.
        own_page.reload()
        expect(own_page.get_by_role("list", name=sessions["title"]).get_by_role("listitem")).to_have_count(1)
    finally:
        own.close()
        borrowed.close()
