"""The app shell: script choice, elder mode, manifest, service worker."""

from __future__ import annotations

import shutil
import struct

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.resident import open_app
from tests.e2e.screens import wait_settled

pytestmark = pytest.mark.e2e

SCREENSHOT = "/tmp/bianmin-signin-{locale}.png"


def open_signin(page: Page, url: str, messages: dict, locale: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(messages[locale]["signin"]["title"])


def wait_until_controlled(page: Page) -> None:
    """A first visit installs the worker; the next load is controlled by it."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def cache_names(page: Page) -> list[str]:
    return page.evaluate("caches.keys()")


@pytest.mark.parametrize("browser_locale", ["zh-CN"])
def test_signin_screen_renders_in_simplified_chinese_for_a_mainland_browser(page: Page, live_server, messages):
    page.goto(live_server.url)

    expect(page.get_by_role("button", name=messages["zh-Hans"]["signin"]["send_code"])).to_be_visible()
    expect(page.get_by_text("获取验证码")).to_be_visible()
    expect(page.get_by_label(messages["zh-Hans"]["signin"]["phone_label"])).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert page.evaluate("location.hash") == "#/signin"
    page.screenshot(path=SCREENSHOT.format(locale="zh-Hans"), full_page=True)


@pytest.mark.parametrize("browser_locale", ["zh-TW", "zh-HK"])
def test_signin_screen_renders_in_traditional_chinese_for_a_taiwan_or_hong_kong_browser(
    page: Page, live_server, messages, browser_locale
):
    page.goto(live_server.url)

    expect(page.get_by_role("button", name=messages["zh-Hant"]["signin"]["send_code"])).to_be_visible()
    expect(page.get_by_text("獲取驗證碼")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    if browser_locale == "zh-TW":
        page.screenshot(path=SCREENSHOT.format(locale="zh-Hant"), full_page=True)


def test_lang_parameter_overrides_the_browser_and_is_remembered(page: Page, live_server, messages):
    page.goto(f"{live_server.url}/?lang=zh-Hant#/signin")
    expect(page.get_by_text("獲取驗證碼")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")

    page.goto(f"{live_server.url}/#/signin")
    expect(page.get_by_text("獲取驗證碼")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")


def test_script_toggle_switches_between_simplified_and_traditional(page: Page, live_server, messages):
    open_signin(page, live_server.url, messages, "zh-Hans")

    page.get_by_role("button", name=messages["zh-Hans"]["locale"]["zh-Hant"]).click()
    expect(page.get_by_role("button", name=messages["zh-Hant"]["signin"]["send_code"])).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    toggle = page.get_by_role("button", name=messages["zh-Hant"]["locale"]["zh-Hant"])
    expect(toggle).to_have_attribute("aria-pressed", "true")

    page.get_by_role("button", name=messages["zh-Hant"]["locale"]["zh-Hans"]).click()
    expect(page.get_by_role("button", name=messages["zh-Hans"]["signin"]["send_code"])).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")


def test_page_says_so_when_its_text_cannot_load(page: Page, live_server, messages):
    page.route("**/locales/**", lambda route: route.abort("internetdisconnected"))
    page.goto(live_server.url)

    expect(page.get_by_role("alert")).to_have_text(messages["zh-Hans"]["app"]["load_failed"])
    expect(page.get_by_role("button", name=messages["zh-Hans"]["app"]["retry"])).to_be_visible()


def test_controls_are_large_enough_to_tap_and_grow_in_elder_mode(page: Page, live_server, messages):
    open_signin(page, live_server.url, messages, "zh-Hans")
    controls = page.locator("main button:visible, main input:visible, .settings button:visible")

    def smallest_side() -> float:
        boxes = [controls.nth(i).bounding_box() for i in range(controls.count())]
        return min(min(box["width"], box["height"]) for box in boxes)

    def body_font_px() -> float:
        return page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")

    assert controls.count() >= 4
    assert smallest_side() >= 44
    assert body_font_px() >= 18

    elder = page.get_by_role("button", name=messages["zh-Hans"]["app"]["elder_mode"])
    elder.click()
    expect(elder).to_have_attribute("aria-pressed", "true")
    assert smallest_side() >= 60
    assert body_font_px() >= 22

    page.reload()  # the choice is remembered
    expect(page.get_by_role("button", name=messages["zh-Hans"]["app"]["elder_mode"])).to_have_attribute(
        "aria-pressed", "true"
    )
    assert smallest_side() >= 60


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(page: Page, live_server, messages):
    open_signin(page, live_server.url, messages, "zh-Hans")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=messages["zh-Hans"]["app"]["skip_to_content"])
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    assert page.evaluate("location.hash") == "#/signin"


def test_manifest_is_linked_and_its_icons_are_real_pngs(page: Page, live_server):
    page.goto(live_server.url)
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    assert href

    response = page.request.get(f"{live_server.url}/{href}")
    assert response.ok
    manifest = response.json()
    assert manifest["short_name"] == "便民"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"]
    sizes = {}
    for icon in manifest["icons"]:
        png = page.request.get(f"{live_server.url}/{icon['src']}")
        assert png.ok, icon
        body = png.body()
        assert body[:8] == b"\x89PNG\r\n\x1a\n", icon
        width, height = struct.unpack(">II", body[16:24])
        assert icon["sizes"] == f"{width}x{height}"
        sizes.setdefault(icon.get("purpose", "any"), set()).add(width)
    assert {192, 512} <= sizes["any"]
    assert 512 in sizes["maskable"]
    assert page.locator('link[rel="apple-touch-icon"]').count() == 1
    assert page.locator('meta[name="theme-color"]').count() == 1


def test_service_worker_script_is_always_revalidated(page: Page, live_server):
    response = page.request.get(f"{live_server.url}/sw.js")
    assert response.ok
    assert "no-cache" in response.headers.get("cache-control", "")
    assert "javascript" in response.headers.get("content-type", "")


def test_service_worker_controls_the_page_after_a_reload(page: Page, live_server, messages):
    open_signin(page, live_server.url, messages, "zh-Hans")
    wait_until_controlled(page)

    script_url = page.evaluate("navigator.serviceWorker.controller.scriptURL")
    assert script_url == f"{live_server.url}/sw.js"
    assert any(name.startswith("bianmin-precache-") for name in cache_names(page))
    expect(page.get_by_role("heading", level=1)).to_have_text(messages["zh-Hans"]["signin"]["title"])


def test_shell_opens_offline_and_says_the_network_is_down(page: Page, context, live_server, messages):
    open_signin(page, live_server.url, messages, "zh-Hans")
    wait_until_controlled(page)

    context.set_offline(True)
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(page.get_by_role("heading", level=1)).to_have_text(messages["zh-Hans"]["signin"]["title"])

    page.get_by_label(messages["zh-Hans"]["signin"]["phone_label"]).fill("13800000009")
    page.get_by_role("button", name=messages["zh-Hans"]["signin"]["send_code"]).click()
    expect(page.get_by_role("alert")).to_have_text(messages["zh-Hans"]["signin"]["network_error"])


def test_new_version_waits_for_the_user_then_takes_over(page: Page, start_server, pwa_dist, tmp_path, messages):
    # A copy of the build that this test can "redeploy" by changing sw.js.
    dist = tmp_path / "dist"
    shutil.copytree(pwa_dist, dist)
    server = start_server(BIANMIN_PWA_DIR=str(dist))
    open_signin(page, server.url, messages, "zh-Hans")
    wait_until_controlled(page)
    (old_cache,) = [name for name in cache_names(page) if name.startswith("bianmin-precache-")]

    sw = dist / "sw.js"
    sw.write_text(sw.read_text(encoding="utf-8").replace('"0.1.0+', '"0.1.0+next-'), encoding="utf-8")
    page.evaluate("navigator.serviceWorker.getRegistration().then((registration) => registration.update())")

    banner = page.get_by_role("status").filter(has_text=messages["zh-Hans"]["app"]["update_ready"])
    expect(banner).to_be_visible()
    # Waiting, not taken over: the old worker still controls the page.
    assert page.evaluate("navigator.serviceWorker.controller.state") == "activated"
    assert old_cache in cache_names(page)

    with page.expect_navigation():
        page.get_by_role("button", name=messages["zh-Hans"]["app"]["update"]).click()
    page.wait_for_function(
        "(old) => caches.keys()"
        ".then((names) => !names.includes(old) && names.some((n) => n.startsWith('bianmin-precache-')))",
        arg=old_cache,
    )
    expect(page.get_by_text(messages["zh-Hans"]["app"]["update_ready"])).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text(messages["zh-Hans"]["signin"]["title"])


def test_the_app_runs_under_its_content_security_policy(page: Page, live_server, messages):
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    response = page.goto(live_server.url + "/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    open_app(page, live_server)  # signed in: home with catalog and notices, through the service worker
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(live_server.url + "/#/settings")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    wait_settled(page)
    assert refused == []
