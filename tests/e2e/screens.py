"""Helpers for the screens tests (every screen of an area, both scripts, both modes):
a phone-sized page, and the checks each screen gets — axe-core, a screenshot, no
sideways overflow, text and tap targets large enough."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page

from tests.e2e.resident import SCREENSHOTS, STEP_TIMEOUT_MS, axe_violations

SCREEN_SIZE = {"width": 360, "height": 740}


@contextmanager
def screen_page(
    browser: Browser, size: dict = SCREEN_SIZE, *, mobile: bool = True, timeout: float = STEP_TIMEOUT_MS
) -> Iterator[Page]:
    """A page in a fresh context of ``size`` (a phone's, at twice the pixels, unless ``mobile`` is False)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        viewport=size, device_scale_factor=2 if mobile else 1, is_mobile=mobile, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(timeout)
    try:
        yield page
    finally:
        context.close()


def wait_settled(page: Page) -> None:
    """Until the screen is drawn as it will stay: its web fonts and images loaded, and the
    page unchanged for three frames in a row (frames come slower on a busy machine, so
    this waits longer there, where a fixed pause would not)."""
    page.wait_for_function(
        """() => new Promise((resolve) => {
            document.fonts.ready.then(() => {
                let quiet = 0;
                const observer = new MutationObserver(() => { quiet = 0; });
                observer.observe(document.body,
                    {subtree: true, childList: true, attributes: true, characterData: true});
                const frame = () => {
                    const images = [...document.images].every((image) => image.complete);
                    quiet = images ? quiet + 1 : 0;
                    if (quiet >= 3) {
                        observer.disconnect();
                        resolve(true);
                    } else {
                        requestAnimationFrame(frame);
                    }
                };
                requestAnimationFrame(frame);
            });
        })"""
    )


def photograph(page: Page, name: str, width: int = SCREEN_SIZE["width"], *, full_page: bool = True) -> list[dict]:
    """axe violations of the page as it is; saves it as docs/screenshots/<name>.png and
    fails if anything makes the page wider than ``width``."""
    violations = axe_violations(page)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{name} overflows sideways at {width} px: {scroll_width}px"
    return violations


def measure(page: Page) -> dict:
    return page.evaluate(
        """() => {
          const px = (el, prop) => parseFloat(getComputedStyle(el)[prop]);
          const body = document.querySelector('main p, main li, main dd') || document.querySelector('main');
          const targets = [...document.querySelectorAll(
              'main button, main a.button, main .list-link, main .card-link, main .choice, main summary, '
              + 'main input:not([type=radio]):not([type=checkbox]), main select, .navbar-link, header button, '
              + '.settings button')]
            .filter(el => el.offsetParent !== null)
            .map(el => {
              const r = el.getBoundingClientRect();
              return {text: el.textContent.trim().slice(0, 20), w: r.width, h: r.height};
            });
          return {
            body: px(body, 'fontSize'),
            lineHeight: px(body, 'lineHeight') / px(body, 'fontSize'),
            headings: [...document.querySelectorAll('main h1, main h2')].map(h => px(h, 'fontSize')),
            targets,
          };
        }"""
    )


def check_screen(page: Page, name: str, locale: str, elder: bool, *, prefix: str = "") -> tuple[list, list]:
    """axe violations and too-small text or targets of the page as it is; saves its
    screenshot as <prefix><name>-<locale>-<mode>.png."""
    mode = "elder" if elder else "standard"
    violations = photograph(page, f"{prefix}{name}-{locale}-{mode}")
    text_px, heading_px, target_px = (18, 24, 60) if elder else (16, 18, 44)
    sizes = measure(page)
    problems = []
    if sizes["body"] < text_px or sizes["lineHeight"] < 1.3 or min(sizes["headings"]) < heading_px:
        problems.append(("text", sizes["body"], sizes["lineHeight"], sizes["headings"]))
    small = [t for t in sizes["targets"] if t["w"] < target_px - 0.5 or t["h"] < target_px - 0.5]
    if small:
        problems.append(("targets", small))
    return violations, problems


def assert_large_enough(page: Page, where: str, text_px: float, heading_px: float, target_px: float) -> None:
    """Body text, line height, headings and every tap target of the page as it is are at least these sizes."""
    sizes = measure(page)
    assert sizes["body"] >= text_px, (where, sizes["body"])
    assert sizes["lineHeight"] >= 1.3, (where, sizes["lineHeight"])
    assert min(sizes["headings"]) >= heading_px, (where, sizes["headings"])
    small = [t for t in sizes["targets"] if t["w"] < target_px - 0.5 or t["h"] < target_px - 0.5]
    assert small == [], (where, small)
