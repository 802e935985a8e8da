"""Helpers for the resident-app browser tests: sessions from `bianmin token`
(no login codes spent), API calls to set up or advance state, axe-core."""

from __future__ import annotations

import datetime as dt
import subprocess
import time
import uuid
from pathlib import Path

from playwright.sync_api import Page

from tests.processes import BIANMIN
from tests.waiting import eventually_sync

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "docs" / "screenshots"

RESIDENT = "13800000001"  # 王秀英, elderly + lives_alone, grid 990101001001001
GRID_WORKER = "13800000002"
STAFF = "13800000003"
HOME_GRID = "990101001001001"
#: How long one step may take before a test fails: generous, so the suite passes while
#: other work keeps the machine's CPUs busy (Playwright's defaults: 5 s for expect, 30 s for actions).
STEP_TIMEOUT_MS = 30_000
#: A phone the size of a cheap Android handset.
VIEWPORT = {"width": 390, "height": 844}
#: Where our users are: the browser's clock and the server's working days are Beijing time.
TIME_ZONE = "Asia/Shanghai"
_BEIJING = dt.timezone(dt.timedelta(hours=8))


def beijing_day(days_ahead: int = 0) -> dt.date:
    """Today (plus ``days_ahead``) on the calendar of the phone and of the server, which is
    not this machine's UTC date between 16:00 and 24:00 UTC."""
    return dt.datetime.now(_BEIJING).date() + dt.timedelta(days=days_ahead)


class Api:
    """Plain API calls as one user, through the page's request context."""

    def __init__(self, page: Page, base: str, token: str, locale: str = "zh-Hans"):
        self.page, self.base, self.token, self.locale = page, base, token, locale

    def headers(self, key: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}", "Accept-Language": self.locale}
        if key:
            headers["Idempotency-Key"] = key
        return headers

    def get(self, path: str) -> dict:
        answer = self.page.request.get(f"{self.base}/api/v1{path}", headers=self.headers())
        assert answer.ok, (path, answer.status, answer.text())
        return answer.json()

    def post(self, path: str, body: dict, expect: int | None = None) -> dict:
        answer = self.page.request.post(f"{self.base}/api/v1{path}", data=body, headers=self.headers(str(uuid.uuid4())))
        if expect is None:
            assert answer.ok, (path, answer.status, answer.text())
        else:
            assert answer.status == expect, (path, answer.status, answer.text())
        return answer.json() if answer.text() else {}

    def transition(self, case_id: int, action: str, **extra) -> dict:
        return self.post(f"/cases/{case_id}/transitions", {"action": action, **extra})


def api_as(page: Page, live_server, phone: str, locale: str = "zh-Hans") -> Api:
    return Api(page, live_server.url, live_server.token(phone), locale)


def open_app(
    page: Page, live_server, phone: str = RESIDENT, *, locale: str = "zh-Hans", elder: bool = False, route: str = "/"
) -> Api:
    """Opens the app signed in as ``phone`` (as after an earlier sign-in), in ``locale``, at ``route``."""
    api = api_as(page, live_server, phone, locale)
    user = page.request.patch(
        f"{live_server.url}/api/v1/me", data={"locale": locale, "elder_mode": elder}, headers=api.headers()
    ).json()
    page.goto(live_server.url)
    page.evaluate(
        """([token, user, locale, elder]) => {
            localStorage.setItem('bianmin.session', JSON.stringify({access_token: token, user}));
            localStorage.setItem('bianmin.locale', locale);
            localStorage.setItem('bianmin.elder_mode', elder ? 'on' : 'off');
        }""",
        [api.token, user, locale, elder],
    )
    # A fresh load, so the app starts with the session instead of redirecting to sign-in first.
    page.goto("about:blank")
    page.goto(f"{live_server.url}/#{route}")
    page.wait_for_function("() => document.querySelector('main h1') !== null")
    return api


def wait_until(condition, timeout: float = STEP_TIMEOUT_MS / 1000, message: str = "", *, page: Page | None = None):
    """``condition()``'s first true value, checked every 0.2 s. With ``page``, the pauses go
    through Playwright, so its handlers (``page.route``, ``page.on``) run meanwhile and
    a condition on what they record can become true."""
    try:
        return eventually_sync(
            condition,
            timeout=timeout,
            interval=0.2,
            pause=time.sleep if page is None else lambda seconds: page.wait_for_timeout(seconds * 1000),
        )
    except AssertionError:
        if not message:
            raise
        raise AssertionError(message) from None


def wait_for_empty_outbox(page: Page) -> None:
    """Until the app's outbox (IndexedDB) holds no request: each was answered by the server,
    so nothing is left that a restart or the service worker's Background Sync could send again."""
    page.wait_for_function(
        """async () => {
            if (!(await indexedDB.databases()).some((db) => db.name === 'bianmin')) return true;
            const db = await new Promise((resolve, reject) => {
                const request = indexedDB.open('bianmin');
                request.onsuccess = () => resolve(request.result);
                request.onerror = () => reject(request.error);
            });
            try {
                if (!db.objectStoreNames.contains('outbox')) return true;
                return await new Promise((resolve, reject) => {
                    const count = db.transaction('outbox').objectStore('outbox').count();
                    count.onsuccess = () => resolve(count.result === 0);
                    count.onerror = () => reject(count.error);
                });
            } finally {
                db.close();
            }
        }""",
        polling=200,
    )


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations for the page as it is now (WCAG 2.x A/AA rules)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's debugging protocol, not a <script> tag: the
        # app's Content-Security-Policy refuses inline scripts, rightly.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
            .then(result => result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"""
    )


def add_user(live_server, phone: str, *, flags: str = "", name: str = "") -> None:
    """A resident made with `bianmin users add` (like an admin would)."""
    command = [BIANMIN, "users", "add", "--phone", phone, "--role", "resident", "--region", HOME_GRID]
    if name:
        command += ["--name", name]
    if flags:
        command += ["--flags", flags]
    subprocess.run(command, env=live_server.env, cwd=live_server.data_dir, check=True, capture_output=True)
