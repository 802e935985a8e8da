"""Role-based navigation: each role lands in its own area, and the staff side is
lazy chunks that a resident's phone never downloads (issue 10)."""

from __future__ import annotations

import gzip
import re

import pytest
from playwright.sync_api import Page

from tests.e2e.resident import GRID_WORKER, RESIDENT, STAFF, open_app

pytestmark = pytest.mark.e2e

ADMIN = "13800000004"
AREA_CHUNK = re.compile(r"/assets/chunks/(field|desk|admin)-[A-Z0-9]+\.js$")
#: The statistics chart library (uPlot), loaded by the desk's statistics screen alone.
CHART_CHUNK = re.compile(r"/assets/chunks/chart-[A-Z0-9]+\.js$")
#: First load of the resident home: HTML, scripts and styles, gzip-encoded (issue 9's budget).
FIRST_LOAD_BUDGET = 60 * 1024


def _requested(page: Page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


@pytest.mark.parametrize(
    ("phone", "area", "first_section"),
    [(GRID_WORKER, "field", "#/field"), (STAFF, "desk", "#/desk"), (ADMIN, "desk", "#/desk")],
)
def test_staff_roles_land_in_their_area_and_load_only_its_chunk(page: Page, live_server, phone, area, first_section):
    urls = _requested(page)
    open_app(page, live_server, phone, route="/signin")
    page.wait_for_url(re.compile(rf"#/{area}$"))
    page.wait_for_function("() => document.querySelector('main h1') !== null")
    loaded = {match.group(1) for url in urls if (match := AREA_CHUNK.search(url))}
    assert loaded == {area}
    assert not [url for url in urls if CHART_CHUNK.search(url)]
    nav = page.locator("nav.navbar a")
    assert nav.first.get_attribute("href") == first_section
    assert nav.first.get_attribute("aria-current") == "page"


def test_a_resident_never_downloads_staff_code_and_the_first_load_fits_the_budget(page: Page, live_server, pwa_dist):
    urls = _requested(page)
    open_app(page, live_server, RESIDENT, route="/")
    # A resident who types a staff address is shown the home screen, not the area.
    page.goto(f"{live_server.url}/#/desk/stats")
    page.wait_for_function("() => document.querySelector('main h1') !== null")
    page.goto(f"{live_server.url}/#/field")
    page.wait_for_function("() => document.querySelector('main h1') !== null")
    assert not [url for url in urls if AREA_CHUNK.search(url) or CHART_CHUNK.search(url)]

    html = (pwa_dist / "index.html").read_text(encoding="utf-8")
    shell = list(re.findall(r'(?:src|href)="(assets/[^"]+)"', html))
    main_js = next(name for name in shell if name.endswith(".js"))
    # Static imports of the entry (shared chunks) count too.
    source = (pwa_dist / main_js).read_text(encoding="utf-8")
    imported = [f"assets/{name}" for name in re.findall(r'from"\./(chunks/[^"]+\.js)"', source)]
    files = ["index.html", *shell, *imported]
    total = sum(len(gzip.compress((pwa_dist / name).read_bytes(), 9)) for name in files)
    assert all(not AREA_CHUNK.search(f"/{name}") and not CHART_CHUNK.search(f"/{name}") for name in files)
    assert total <= FIRST_LOAD_BUDGET, (total, files)
