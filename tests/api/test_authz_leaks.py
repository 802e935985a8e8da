"""Nothing of a side leaks to a caller outside it: not in lists, lookups, notifications,
photo links, statistics below the caller's level or exports (the world of
``authz_world.py``; the per-object answers are in ``test_authz_matrix.py``)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import openpyxl
import pytest

from backend.notifications.tables import Notification
from tests.api.authz_world import CALLERS, World
from tests.api.test_authz_matrix import CASE, CLERKS, LINK, OWNER

pytestmark = pytest.mark.asyncio(loop_scope="module")

#: Each list, the kind of object it lists, and who may see each side's objects in it.
LISTS = {
    "/cases?limit=100": ("case", CASE),
    "/bookings": ("booking", CASE),
    "/notifications": ("notification", OWNER),
    "/family-links": ("link", LINK),
    "/follow-ups?status=all": ("follow_up", CLERKS),
    "/handovers/unconfirmed": ("unconfirmed_handover", CLERKS),
    "/users": ("user", CLERKS),
    "/residents": ("user", {"a": {"worker_a", "staff_1", "admin"}, "c": {"worker_c", "staff_2", "admin"}}),
    "/users/assignees": (None, None),
    "/ratings/flags": (None, None),
    "/slots/mine": (None, None),
    "/slots?from=2026-11-01&to=2026-12-31": ("slot", None),
    "/notices": (None, None),
}


def _ids(body: dict) -> set[int]:
    return {item["id"] for item in body.get("items", [])}


def _object_id(world: World, kind: str, side: str) -> int:
    value = world.objects[kind][side]
    return value[1] if isinstance(value, tuple) else value


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("caller", CALLERS)
async def test_lists_hold_only_the_callers_scope(world: World, path, caller):
    # The 督办 list holds handovers unconfirmed for two days.
    world.clock.set(world.clock.current.replace(day=26, hour=2))
    kind, audience = LISTS[path]
    answer = await world.call("GET", path, caller)
    if answer.status_code in (401, 403):
        assert not any(secret in answer.text for side in "ac" for secret in world.secrets[side])
        return
    assert answer.status_code == 200, answer.text
    body = answer.json()
    for side in "ac":
        if audience is not None:
            sees = caller in audience[side]
            listed = _object_id(world, kind, side) in _ids(body)
            assert listed == sees, f"{caller} {'misses' if sees else 'sees'} {kind}.{side} in {path}"
        # Lists without an audience (slots, notices, workers, flags) are checked for leaks only.
        if caller not in CASE[side]:
            leaked = [secret for secret in world.secrets[side] if secret in answer.text]
            assert not leaked, f"{path} shows {caller} {leaked}"


async def test_case_lists_and_booking_lists_carry_no_phone_numbers(world: World):
    for path in ("/cases?limit=100", "/bookings", "/users", "/follow-ups?status=all", "/handovers/unconfirmed"):
        for caller in ("worker_a", "staff_1", "admin"):
            text = (await world.call("GET", path, caller)).text
            assert not re.search(r"1[3-9]\d{9}", text), (path, caller, text[:300])


async def test_a_lookup_tells_a_wrong_phone_from_nothing_and_shows_no_personal_data(world: World):
    case = await world.ok("GET", f"/cases/{world.objects['case']['a']}", "resident_a")
    receipt = case["receipt_no"]
    wrong = await world.call(
        "GET", "/cases/lookup", "resident_c", params={"receipt_no": receipt, "phone": world.phones["resident_c"]}
    )
    nothing = await world.call(
        "GET",
        "/cases/lookup",
        "resident_c",
        params={"receipt_no": "BM-2026-11-999999", "phone": world.phones["resident_c"]},
    )
    assert (wrong.status_code, wrong.content) == (nothing.status_code, nothing.content) and wrong.status_code == 404
    right = await world.call(
        "GET", "/cases/lookup", "anonymous", params={"receipt_no": receipt, "phone": world.phones["resident_a"]}
    )
    assert right.status_code == 200
    assert set(right.json()) == {
        "receipt_no",
        "kind_label",
        "status",
        "status_label",
        "created_at",
        "deadline",
        "timeline",
    }
    assert not any(secret in right.text for secret in world.secrets["a"] - {receipt})


async def test_every_notification_is_about_a_case_its_reader_may_see(world: World):
    rows = await Notification.select(Notification.id, Notification.user, Notification.case_id, Notification.payload)
    assert rows
    by_id = {user_id: name for name, user_id in world.ids.items()}
    checked = 0
    for row in rows:
        assert not re.search(r"1[3-9]\d{9}|\d{17}[\dX]", str(row["payload"])), row
        reader = by_id.get(row["user"])
        if row["case_id"] is None or reader not in world.headers:
            continue
        answer = await world.call("GET", f"/cases/{row['case_id']}", reader)
        assert answer.status_code == 200, (reader, row)
        checked += 1
    assert checked


async def test_a_photo_link_is_worth_its_viewers_access_and_nothing_else(world: World):
    case = await world.ok("GET", f"/cases/{world.objects['case']['a']}", "resident_a")
    photo = case["timeline"][0]["photos"][0]
    assert photo["url"].split("t=")[1].startswith(f"{world.ids['resident_a']}.")
    # Another caller with their own token: the link's viewer does not count.
    stolen = await world.client.get(photo["url"], headers=world.headers["resident_c"])
    assert stolen.status_code == 404
    # The signature is bound to the photo: the same token on the other side's photo is refused.
    token = photo["url"].split("t=")[1]
    other, other_key = world.objects["media"]["c"]
    assert (await world.client.get(f"/api/v1/media/{other}/{other_key}?t={token}")).status_code == 401
    assert (await world.client.get(f"/api/v1/media/{other}/{other_key}/thumb?t={token}")).status_code == 401
    # A worker of another grid gets nothing for a media id of this side, with or without a link.
    path = photo["url"].split("?")[0].removeprefix("/api/v1")
    assert (await world.call("GET", path, "worker_b")).status_code == 404


async def test_a_handover_of_another_case_is_not_confirmed_through_ones_own(world: World):
    own_case = world.objects["handover"]["a"][0]
    other_handover = world.objects["unconfirmed_handover"]["c"][1]
    mixed = await world.call("POST", f"/cases/{own_case}/handovers/{other_handover}/confirm", "resident_a")
    missing = await world.call("POST", f"/cases/{own_case}/handovers/987654321/confirm", "resident_a")
    assert mixed.status_code == 404 and mixed.content == missing.content


@pytest.mark.parametrize("path", ["/stats/summary", "/stats/export.xlsx"])
@pytest.mark.parametrize(
    ("caller", "region"),
    [
        ("staff_1", "990101002"),
        ("staff_1", "990101"),
        ("staff_1", "990101002001001"),
        ("staff_2", "990101001"),
        ("admin_x", "990101"),
        ("admin_x", "990101001"),
        ("admin", "990102"),
    ],
)
async def test_statistics_outside_ones_area_answer_like_a_missing_region(world: World, path, caller, region):
    answer = await world.call("GET", path, caller, params={"region": region})
    missing = await world.call("GET", path, caller, params={"region": "990109009"})
    assert answer.status_code == 404 and answer.content == missing.content


async def test_statistics_of_ones_township_count_only_its_cases(world: World):
    now = world.clock.current
    period = {"from": (now - timedelta(days=30)).date().isoformat(), "to": now.date().isoformat()}
    mine = await world.ok("GET", "/stats/summary", "staff_1", params={**period, "group_by": "worker"})
    county = await world.ok("GET", "/stats/summary", "admin", params={**period, "group_by": "township"})
    assert mine["totals"]["submitted"] == 5  # a case, a rated case, an extended case and two bookings' cases
    assert county["totals"]["submitted"] == 10
    assert "worker_c姓名" not in str(mine["groups"]) and "李建国" in str(mine["groups"])


def _cells(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)


async def test_exports_hold_only_the_callers_area_and_no_personal_data(world: World):
    for fmt in ("xlsx", "csv"):
        answer = await world.call("GET", "/services/export", "staff_1", params={"format": fmt})
        text = _cells(answer.content) if fmt == "xlsx" else answer.content.decode("utf-8-sig")
        assert "TA-901" in text and "TC-901" not in text, fmt
        if fmt == "csv":
            assert list(csv.reader(io.StringIO(text)))
    stats = await world.call("GET", "/stats/export.xlsx", "staff_1")
    text = _cells(stats.content)
    assert not re.search(r"1[3-9]\d{9}|\d{17}[\dX]", text)
    assert not any(secret in text for side in "ac" for secret in world.secrets[side])
    assert "白石" not in text and "worker_c" not in text
