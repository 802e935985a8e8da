"""One phone, two people, one after the other (issue 18, findings 23 and 21).

The attacks: the offline outbox held every queued request in one list, so the next
person to sign in on a shared phone saw the last person's queued requests and could
delete them; and the service worker kept case photos by path alone, so a photo kept
for one person could answer another's request for the same path. Now each queued
request is its owner's (shown to them alone, sent with their token alone, kept while
they are signed out), and the photos the worker kept are gone at sign-out.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.field import photo_png
from tests.e2e.resident import (
    HOME_GRID,
    RESIDENT,
    STEP_TIMEOUT_MS,
    VIEWPORT,
    Api,
    api_as,
    open_app,
    wait_for_empty_outbox,
    wait_until,
)
from tests.processes import BIANMIN

pytestmark = pytest.mark.e2e

#: The second person on the phone: a resident of the same grid, made for these tests.
OTHER = "13800000191"
IMAGE_CACHE = "bianmin-images-2"


@pytest.fixture
def shared_phone(browser: Browser, live_server) -> Iterator[BrowserContext]:
    subprocess.run(
        [BIANMIN, "users", "add", "--phone", OTHER, "--role", "resident", "--region", HOME_GRID, "--name", "李四"],
        env=live_server.env,
        cwd=live_server.data_dir,
        capture_output=True,  # already there from an earlier test: fine
    )
    context = browser.new_context(
        viewport=VIEWPORT,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        service_workers="allow",
    )
    yield context
    context.close()


def outbox_rows(page: Page) -> list[dict]:
    """What the phone's outbox holds (IndexedDB), whoever it belongs to."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open('bianmin');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const all = open.result.transaction('outbox').objectStore('outbox').getAll();
              all.onsuccess = () => resolve(all.result.map((row) => ({
                label: row.label, owner: row.owner === undefined ? 'none' : row.owner, state: row.state,
                token: 'token' in row,
              })));
              all.onerror = () => reject(all.error);
            };
          })"""
    )


def cases_titled(api: Api, title: str) -> list[dict]:
    return [item for item in api.get("/cases")["items"] if item["title"] == title]


def under_the_worker(page: Page) -> None:
    """Once more, under the service worker's control (it keeps the shell and photos)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def submit_offline(page: Page, context: BrowserContext, live_server, text: dict, title: str) -> None:
    page.goto(f"{live_server.url}/#/submit?kind=complaint")
    expect(page.get_by_role("heading", level=1)).to_have_text(text["ui"]["submit"]["title_complaint"])
    context.set_offline(True)
    page.get_by_label(text["ui"]["submit"]["case_title"]).fill(title)
    page.get_by_label(text["ui"]["submit"]["description"]).fill("没有信号的时候提交的")
    page.get_by_role("button", name=text["ui"]["submit"]["send"], exact=True).click()
    expect(page.get_by_role("link", name=title)).to_have_count(0)
    expect(page.get_by_text(text["ui"]["outbox"]["waiting"].format(count=1))).to_be_visible()


def sign_out(page: Page, live_server, text: dict) -> None:
    page.goto(f"{live_server.url}/#/settings")
    page.get_by_role("button", name=text["signin"]["sign_out"], exact=True).click()
    page.wait_for_function("() => localStorage.getItem('bianmin.session') === null")


def test_the_next_person_on_a_shared_phone_neither_sees_nor_sends_the_last_persons_queued_requests(
    shared_phone: BrowserContext, live_server, messages
):
    context, text = shared_phone, messages["zh-Hans"]
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    alice = open_app(page, live_server, RESIDENT, route="/cases")
    alice_id = alice.get("/me")["id"]
    under_the_worker(page)

    # Alice queues a complaint with no signal, and signs out (still without a signal).
    hers = f"王秀英的路灯{uuid.uuid4().hex[:6]}"
    submit_offline(page, context, live_server, text, hers)
    sign_out(page, live_server, text)
    context.set_offline(False)

    # Bob signs in on the same phone, with a network: Alice's request is neither shown,
    # nor deletable, nor sent (not under his token, and not under hers while she is away).
    bob = open_app(page, live_server, OTHER, route="/cases")
    bob_id = bob.get("/me")["id"]
    expect(page.get_by_role("heading", level=1)).to_have_text(text["ui"]["cases"]["title"])
    expect(page.get_by_text(hers)).to_have_count(0)
    expect(page.get_by_role("list", name=text["ui"]["outbox"]["list_label"])).to_have_count(0)
    expect(page.get_by_role("button", name=text["ui"]["outbox"]["discard"])).to_have_count(0)
    expect(page.get_by_text(text["ui"]["outbox"]["waiting"].format(count=1))).to_have_count(0)
    assert outbox_rows(page) == [{"label": hers, "owner": alice_id, "state": "waiting", "token": False}]

    # Bob's own request, queued offline, goes with his token once the network is back;
    # he is told of one waiting request (his), not two.
    his = f"李四的垃圾{uuid.uuid4().hex[:6]}"
    submit_offline(page, context, live_server, text, his)
    context.set_offline(False)
    expect(page.get_by_role("link", name=his)).to_be_visible()
    wait_until(lambda: len(cases_titled(bob, his)) == 1, message="Bob's request was not sent")
    wait_until(lambda: [row["label"] for row in outbox_rows(page)] == [hers], page=page)
    assert cases_titled(alice, hers) == cases_titled(bob, hers) == [] == cases_titled(alice, his)

    # Alice signs in again (a new token): her request goes, once, as hers.
    sign_out(page, live_server, text)
    alice = open_app(page, live_server, RESIDENT, route="/cases")
    wait_for_empty_outbox(page)
    expect(page.get_by_role("link", name=hers)).to_be_visible()
    page.reload()
    wait_for_empty_outbox(page)
    assert len(cases_titled(alice, hers)) == 1
    # Bob signed out, which ended his session: his old token is refused; he looks anew.
    assert page.request.get(f"{live_server.url}/api/v1/me", headers=bob.headers()).status == 401
    bob = api_as(page, live_server, OTHER, "zh-Hans")
    assert cases_titled(bob, hers) == []
    assert alice.get("/me")["id"] == alice_id != bob_id


def test_photos_the_worker_kept_are_each_viewers_own_and_gone_at_sign_out(
    shared_phone: BrowserContext, live_server, messages
):
    context, text = shared_phone, messages["zh-Hans"]
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    alice = open_app(page, live_server, RESIDENT, route="/cases")
    alice_id = alice.get("/me")["id"]
    uploaded = page.request.post(
        f"{live_server.url}/api/v1/media",
        multipart={"file": {"name": "photo.png", "mimeType": "image/png", "buffer": photo_png((400, 300))}},
        headers=alice.headers(str(uuid.uuid4())),
    ).json()
    case = alice.post(
        "/cases",
        {
            "kind": "complaint",
            "title": f"井盖丢了{uuid.uuid4().hex[:6]}",
            "description": "路口的井盖不见了",
            "region": HOME_GRID,
            "media": [uploaded["id"]],
        },
    )
    under_the_worker(page)
    page.goto(f"{live_server.url}/#/cases/{case['id']}")
    thumb = page.get_by_role("img", name=text["ui"]["case"]["photo"])
    expect(thumb).to_be_visible()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())

    kept = wait_until(
        lambda: page.evaluate(
            f"caches.open('{IMAGE_CACHE}').then((c) => c.keys()).then((keys) => keys.map((r) => r.url))"
        ),
        page=page,
        message="the service worker kept no photo",
    )
    thumb_path = uploaded["thumb_url"].split("?")[0]
    # Kept under the photo's own path (id and key) and its viewer, not the signed link.
    assert kept == [f"{live_server.url}{thumb_path}?viewer={alice_id}"]

    sign_out(page, live_server, text)
    wait_until(
        lambda: (
            not page.evaluate(
                f"caches.has('{IMAGE_CACHE}').then((has) => has ? caches.open('{IMAGE_CACHE}').then((c) => c.keys())"
                ".then((keys) => keys.length > 0) : false)"
            )
        ),
        page=page,
        message="the photos stayed in the service worker's cache after sign-out",
    )
