"""Every desk screen: no axe-core violations in both scripts and both modes, no
sideways overflow on a phone; screenshots to docs/screenshots/ at 360 × 740 and,
for the screens a clerk keeps open all day, at a tablet's 1024 × 768."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.desk import age_handover, assigned_case, move_clock, new_case, resolved_case
from tests.e2e.resident import GRID_WORKER, RESIDENT, STAFF, api_as, open_app
from tests.e2e.screens import SCREEN_SIZE, photograph, screen_page, wait_settled

pytestmark = [pytest.mark.e2e, pytest.mark.own_server("the screenshots show only the cases made here")]

PHONE = SCREEN_SIZE
TABLET = {"width": 1024, "height": 768}
WIDE = {"intake", "case", "supervise", "stats"}
#: A sheet with one good and one bad row, for the import report.
IMPORT_CSV = (
    "编码,类别,名称,说明,所需材料,办理时限（工作日）,办理渠道,乡镇编码\n"
    "QH-301,民政事务,困难群众临时救助,遇到突发困难的家庭申请临时救助。,身份证；户口簿,5,网上办理,990101001\n"
    "QH-302,民政事务,残疾人两项补贴,,身份证,很快,网上办理,990101001\n"
)


@pytest.fixture(scope="module")
def cases(browser: Browser, live_server) -> dict[str, dict]:
    """One case in each state the desk shows: waiting, overdue, due soon, with a bad rating."""
    context = browser.new_context()
    page = context.new_page()
    submitted = new_case(page, live_server, "村口路灯不亮")
    late = assigned_case(page, live_server, "河道垃圾堆积")
    move_clock(live_server, late["id"], overdue=True)
    soon = assigned_case(page, live_server, "申请临时救助")
    move_clock(live_server, soon["id"], overdue=False)
    handover = api_as(page, live_server, GRID_WORKER).post(
        f"/cases/{soon['id']}/handovers", {"items": [{"name": "户口簿", "count": 1}], "direction": "received"}
    )
    age_handover(live_server, handover["id"])
    bad = resolved_case(page, live_server, "自来水停了三天")
    api_as(page, live_server, RESIDENT).post(
        f"/cases/{bad['id']}/rating", {"score": 2, "tags": ["slow"], "comment": "太慢了"}
    )
    context.close()
    return {"submitted": submitted, "late": late, "bad": bad}


def screens(cases: dict[str, dict]) -> list[tuple[str, str]]:
    return [
        ("intake", "/desk"),
        ("case", f"/desk/cases/{cases['submitted']['id']}"),
        ("case-assigned", f"/desk/cases/{cases['late']['id']}"),
        ("case-followup", f"/desk/cases/{cases['bad']['id']}"),
        ("supervise", "/desk/supervise"),
        ("stats", "/desk/stats"),
        ("manage", "/desk/manage"),
        ("catalog", "/desk/manage/services"),
        ("service", "/desk/manage/services/new"),
        ("import", "/desk/manage/import"),
        ("notices", "/desk/manage/notices"),
    ]


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
@pytest.mark.parametrize("locale", ["zh-Hans", "zh-Hant"])
def test_every_desk_screen_has_no_axe_violations_and_is_saved_as_a_screenshot(
    browser: Browser, live_server, messages, cases, locale, elder
):
    mode = "elder" if elder else "standard"
    problems = {}
    for size_name, size in (("", PHONE), ("-tablet", TABLET)):
        with screen_page(browser, size, mobile=size is PHONE) as page:
            open_app(page, live_server, STAFF, locale=locale, elder=elder, route="/desk")
            for name, route in screens(cases):
                if size is TABLET and name not in WIDE:
                    continue
                page.goto(f"{live_server.url}/#{route}")
                expect(page.locator("main [role=status]", has_text=messages[locale]["app"]["loading"])).to_have_count(0)
                if name == "stats":
                    page.locator(".chart canvas").first.wait_for()
                if name == "import":  # show the per-row report of a dry run
                    page.locator("#import-file").set_input_files(
                        files=[
                            {
                                "name": "services.csv",
                                "mimeType": "text/csv",
                                "buffer": IMPORT_CSV.encode("utf-8"),
                            }
                        ]
                    )
                    page.locator("form button[type=submit]").click()
                    page.locator(".import-report table").wait_for()
                wait_settled(page)
                violations = photograph(
                    page, f"desk-{name}{size_name}-{locale}-{mode}", size["width"], full_page=size is TABLET
                )
                if violations:
                    problems[f"{name}{size_name}"] = violations
    assert problems == {}


def _sizes(page) -> dict:
    return page.evaluate(
        """() => {
          const px = (el, prop) => parseFloat(getComputedStyle(el)[prop]);
          const body = document.querySelector('main p, main li, main dd') || document.querySelector('main');
          const targets = [...document.querySelectorAll(
              'main button, main a.button, main .card-link, main .desk-case a.card-title, main .choice, '
              + 'main input:not([type=radio]):not([type=checkbox]), main select, .navbar-link')]
            .filter(el => el.offsetParent !== null)
            .map(el => {
              const r = el.getBoundingClientRect();
              return {text: el.textContent.trim().slice(0, 20), w: r.width, h: r.height};
            });
          return {body: px(body, 'fontSize'), targets};
        }"""
    )


@pytest.mark.parametrize(
    ("elder", "text_px", "target_px"), [(True, 18, 60), (False, 16, 44)], ids=["elder", "standard"]
)
def test_desk_text_and_tap_targets_are_large_enough(page, live_server, messages, cases, elder, text_px, target_px):
    open_app(page, live_server, STAFF, elder=elder, route="/desk")
    for name, route in screens(cases):
        page.goto(f"{live_server.url}/#{route}")
        expect(page.locator("main [role=status]", has_text=messages["zh-Hans"]["app"]["loading"])).to_have_count(0)
        wait_settled(page)
        sizes = _sizes(page)
        assert sizes["body"] >= text_px, (name, sizes["body"])
        small = [t for t in sizes["targets"] if t["w"] < target_px - 0.5 or t["h"] < target_px - 0.5]
        assert small == [], (name, small)
