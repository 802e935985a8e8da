"""Browser tests: the built PWA (pwa/dist) served by a real `bianmin serve`,
driven by Debian's Chromium through Playwright's sync API.

Missing prerequisites fail the run instead of skipping it: `make` builds the
PWA before the tests, so a missing build or browser is a breakage to see.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.e2e.resident import STEP_TIMEOUT_MS, TIME_ZONE, VIEWPORT
from tests.processes import BIANMIN, Server

REPO = Path(__file__).resolve().parents[2]
PWA_INDEX = REPO / "pwa" / "dist" / "index.html"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CODE_TIMEOUT_S = 30


@dataclass(frozen=True)
class LiveServer:
    url: str
    data_dir: Path
    env: dict[str, str]

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def token(self, phone: str) -> str:
        """An access token for ``phone`` from `bianmin token`, without spending a login code."""
        result = subprocess.run(
            [BIANMIN, "token", phone], env=self.env, cwd=self.data_dir, capture_output=True, text=True, check=True
        )
        return result.stdout.strip()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def otp_count(self, phone: str) -> int:
        return len(_otp_codes(self.log(), phone))

    def wait_for_new_otp(self, phone: str, seen: int) -> str:
        """The latest code texted to ``phone`` once more than ``seen`` have been sent.

        The log SMS sender prints ``[sms] to=PHONE kind=otp text=…123456…``.
        """
        deadline = time.monotonic() + CODE_TIMEOUT_S
        while time.monotonic() < deadline:
            codes = _otp_codes(self.log(), phone)
            if len(codes) > seen:
                return codes[-1]
            time.sleep(0.1)
        raise AssertionError(f"no new login code for {phone} in the server log:\n{self.log()[-3000:]}")


def _otp_codes(log: str, phone: str) -> list[str]:
    pattern = re.compile(rf"to={re.escape(phone)} kind=otp\b[^\n]*?(?<!\d)(\d{{6}})(?!\d)")
    return pattern.findall(log)


@contextmanager
def run_server(data_dir: Path, **extra_env: str) -> Iterator[LiveServer]:
    """`bianmin serve` on a free port with the empty SQLite data dir ``data_dir``
    (so demo users are seeded), its output captured to ``data_dir/server.log``.

    Mind the sign-in limits: 5 code requests and 5 wrong codes per IP in 15
    minutes, and every test talks from 127.0.0.1. Tests that need more use
    `start_server` (a fresh database) or `LiveServer.token`."""
    if not PWA_INDEX.is_file():
        pytest.fail(f"{PWA_INDEX} is missing: build the PWA first (cd pwa && npm ci && npm run build)")
    if not Path(BIANMIN).is_file():
        pytest.fail(f"{BIANMIN} is missing: install the backend into this virtualenv (pip install -e .)")

    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(BIANMIN_DATA_DIR=str(data_dir), BIANMIN_SMS_BACKEND="log", PYTHONUNBUFFERED="1", **extra_env)
    server = Server(env, data_dir / "server.log", cwd=data_dir)
    server.start()
    try:
        server.wait_until_healthy()
        yield LiveServer(url=server.url, data_dir=data_dir, env=env)
    finally:
        server.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "own_server(why): the module's tests get a `live_server` of their own, started for the module"
        " and stopped after it, instead of the one the e2e tests share",
    )
    expect.set_options(timeout=STEP_TIMEOUT_MS)


# Package scope, not session: the server and browser stop when the e2e tests are
# done. Playwright's sync API keeps an event loop marked as running while it is
# open, which would break asyncio.run() in any test collected after these.
@pytest.fixture(scope="package")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with run_server(tmp_path_factory.mktemp("bianmin-data")) as server:
        yield server


@pytest.fixture(scope="module")
def live_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The server the module's tests talk to: the one the e2e tests share, or in a module
    marked ``pytest.mark.own_server("why")`` one of its own (e.g. so its screenshots show
    only the data it made, the same every run)."""
    if request.node.get_closest_marker("own_server") is None:
        yield request.getfixturevalue("shared_server")
        return
    with run_server(tmp_path_factory.mktemp(f"bianmin-{request.module.__name__.rsplit('.', 1)[-1]}")) as server:
        yield server


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Starts another server for one test, e.g. one serving a copy of the PWA
    that the test changes: ``start_server(BIANMIN_PWA_DIR=str(copy))``."""
    numbers = itertools.count(1)
    with ExitStack() as stack:

        def start(**extra_env: str) -> LiveServer:
            data_dir = tmp_path / f"server-{next(numbers)}"
            data_dir.mkdir()
            return stack.enter_context(run_server(data_dir, **extra_env))

        yield start


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    with sync_playwright() as playwright:
        # The phone's clock is Beijing time whatever this machine's is (the app's "today" comes from it).
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, env={**os.environ, "TZ": TIME_ZONE}
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_locale() -> str:
    """The browser's language (navigator.languages); override in a test with parametrize."""
    return "zh-CN"


@pytest.fixture
def service_workers() -> str:
    """Whether the page may run the app's service worker ("allow") or not ("block");
    override in a test with parametrize."""
    return "allow"


@pytest.fixture
def context(browser: Browser, browser_locale: str, service_workers: str) -> Iterator[BrowserContext]:
    context = browser.new_context(
        viewport=VIEWPORT,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale=browser_locale,
        service_workers=service_workers,
    )
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    return page


@pytest.fixture(scope="session")
def pwa_dist() -> Path:
    return PWA_INDEX.parent


@pytest.fixture(scope="session")
def messages() -> dict[str, dict]:
    """The locale files, so assertions use the same text the app shows."""
    return {
        locale: json.loads((REPO / "locales" / f"{locale}.json").read_text(encoding="utf-8"))
        for locale in ("zh-Hans", "zh-Hant")
    }
