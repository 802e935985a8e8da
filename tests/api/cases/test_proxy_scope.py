"""Proxy submission (代办) and booking for someone: whoever acts in a resident's name must
have that resident in scope, however the resident is named.

The attack: an official of another grid, township or county files a case naming a
resident by phone (or by the id of someone without a home region), learns the
resident's name and full phone from the answer, and keeps reading the case. And a grid
worker's booking errors told whether a user id exists anywhere and carries a care flag.
"""

from __future__ import annotations

import json
import re

import pytest

from backend.accounts import service as accounts
from backend.accounts.structs import UserCreate
from backend.cases.tables import Case
from backend.regions import service as regions
from tests.api.authz_world import OTHER_COUNTY
from tests.api.cases.helpers import GRID_A, GRID_B, GRID_OTHER_TOWN, add_user, submit, user_id
from tests.conftest import DEMO, session_token

MISSING = 987654321
GRID_X = "990102001001001"  # 远山县: another county
UNPLACED_PHONE = "13912340001"
UNPLACED_NAME = "孙桂花"
DAY = "2026-11-25"
#: A complaint names no catalog entry, so an official of another county can file one there.
ANY_COUNTY = {"kind": "complaint", "service_code": None}


async def _other_county_admin(settings, clock) -> dict[str, str]:
    path = settings.data_dir / "other-county.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(OTHER_COUNTY, ensure_ascii=False))
    await regions.seed(path)
    admin = await accounts.create_user(
        UserCreate(phone="13600009999", role="admin", region="990102", name="远山管理员")
    )
    return {"Authorization": f"Bearer {await session_token(admin.id, clock.now())}"}


async def _outsiders(client, auth, settings, clock) -> dict[str, tuple[dict[str, str], str]]:
    """Officials who do not have the demo resident (grid A) in scope, each with a grid of their own."""
    _, worker_b = await add_user(client, auth, "grid_worker", GRID_B)
    _, worker_c = await add_user(client, auth, "grid_worker", GRID_OTHER_TOWN)
    _, staff_c = await add_user(client, auth, "staff", "990101002")
    return {
        "worker of another grid": (worker_b, GRID_B),
        "worker of another township": (worker_c, GRID_OTHER_TOWN),
        "clerk of another township": (staff_c, GRID_OTHER_TOWN),
        "admin of another county": (await _other_county_admin(settings, clock), GRID_X),
    }


async def _unplaced(client, auth, clock) -> tuple[int, dict[str, str]]:
    """A resident who signed up by SMS (no home region) and gave her name in the app."""
    resident_id = await accounts.get_or_create_resident(UNPLACED_PHONE, "zh-Hans", clock.now())
    headers = await auth.headers(UNPLACED_PHONE)
    assert (await client.patch("/api/v1/me", json={"name": UNPLACED_NAME}, headers=headers)).status_code == 200
    return resident_id, headers


def _no_personal_data(text: str, *secrets: str) -> None:
    assert not re.search(r"1[3-9]\d{9}", text), text
    assert not any(secret in text for secret in secrets), text


async def test_an_official_out_of_scope_cannot_file_for_a_resident_by_id_or_phone(client, auth, settings, clock):
    resident_id = await user_id(client, await auth.role("resident"))
    before = await Case.count()
    for who, (headers, grid) in (await _outsiders(client, auth, settings, clock)).items():
        by_id = await submit(
            client, headers, region=grid, **ANY_COUNTY, resident_id=resident_id, identity_check="in_person"
        )
        missing = await submit(
            client, headers, region=grid, **ANY_COUNTY, resident_id=MISSING, identity_check="in_person"
        )
        assert by_id.status_code == 400, (who, by_id.text)
        assert by_id.content == missing.content, who
        by_phone = await submit(
            client, headers, region=grid, **ANY_COUNTY, resident_phone=DEMO["resident"], identity_check="phone"
        )
        # A number an official has answers the same as a resident out of scope.
        official = await submit(
            client, headers, region=grid, **ANY_COUNTY, resident_phone=DEMO["staff"], identity_check="phone"
        )
        assert by_phone.status_code == 400, (who, by_phone.text)
        assert by_phone.json()["error"]["code"] == "case.resident_invalid"
        assert by_phone.content == official.content, who
        for answer in (by_id, by_phone):
            _no_personal_data(answer.text, "王秀英")
    assert await Case.count() == before


async def test_in_scope_the_worker_still_files_by_id_and_by_phone(client, auth):
    worker = await auth.role("grid_worker")
    resident_id = await user_id(client, await auth.role("resident"))
    by_id = await submit(client, worker, resident_id=resident_id, identity_check="home_visit")
    by_phone = await submit(client, worker, resident_phone=DEMO["resident"], identity_check="phone")
    for answer in (by_id, by_phone):
        assert answer.status_code == 201, answer.text
        resident = answer.json()["resident"]
        assert resident == {"id": resident_id, "name": "王秀英", "phone": DEMO["resident"], "withheld": False}


async def test_a_resident_without_a_home_region_is_not_reached_by_id(client, auth, clock):
    unplaced_id, _ = await _unplaced(client, auth, clock)
    for role in ("grid_worker", "staff", "admin"):
        headers = await auth.role(role)
        by_id = await submit(client, headers, resident_id=unplaced_id, identity_check="in_person")
        missing = await submit(client, headers, resident_id=MISSING, identity_check="in_person")
        assert by_id.status_code == 400 and by_id.content == missing.content, role


async def test_filing_by_phone_for_a_resident_without_a_home_region_shows_officials_no_name_or_phone(
    client, auth, settings, clock
):
    unplaced_id, unplaced = await _unplaced(client, auth, clock)
    admin_x = await _other_county_admin(settings, clock)
    filed = await submit(
        client, admin_x, region=GRID_X, **ANY_COUNTY, resident_phone=UNPLACED_PHONE, identity_check="phone"
    )
    assert filed.status_code == 201, filed.text
    case = filed.json()
    assert case["resident"] == {"id": unplaced_id, "name": "", "phone": "139****0001", "withheld": True}
    _no_personal_data(filed.text, UNPLACED_NAME)
    # Later reads by the filer: the detail, the list, the timeline.
    for path in (f"/api/v1/cases/{case['id']}", "/api/v1/cases?limit=100"):
        later = await client.get(path, headers=admin_x)
        assert later.status_code == 200
        _no_personal_data(later.text, UNPLACED_NAME)
    # Nothing about her moved: she is still nobody's resident, and the filer finds her nowhere.
    assert (await accounts.get_user(unplaced_id, "zh-Hans")).region is None
    listed = await client.get("/api/v1/users", params={"q": UNPLACED_PHONE}, headers=admin_x)
    assert listed.json()["items"] == []
    # She sees the case in full and is told it was filed in her name.
    hers = (await client.get(f"/api/v1/cases/{case['id']}", headers=unplaced)).json()
    assert hers["resident"] == {"id": unplaced_id, "name": UNPLACED_NAME, "phone": UNPLACED_PHONE, "withheld": False}
    inbox = (await client.get("/api/v1/notifications", headers=unplaced)).json()["items"]
    assert [(n["kind"], n["case_id"]) for n in inbox] == [("case.filed_for_you", case["id"])]


async def test_a_walk_in_without_an_account_gets_one_in_the_workers_grid(client, auth):
    worker = await auth.role("grid_worker")
    filed = await submit(
        client, worker, resident_phone="13912340002", resident_name="周大爷", identity_check="in_person"
    )
    assert filed.status_code == 201, filed.text
    assert filed.json()["resident"]["name"] == "周大爷" and filed.json()["resident"]["phone"] == "13912340002"
    created = await accounts.find_by_phone("13912340002")
    assert (await accounts.get_user(created.id, "zh-Hans")).region.code == GRID_A


async def _slot(client, worker) -> int:
    response = await client.post(
        "/api/v1/slots", json={"date": DAY, "half_day": "am", "kind": "visit", "capacity": 5}, headers=worker
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
async def test_booking_errors_tell_a_worker_nothing_about_ids_outside_their_grid(client, auth, lang):
    worker = {**await auth.role("grid_worker"), "Accept-Language": lang}
    staff = await auth.role("staff")
    service = (await client.get("/api/v1/services", params={"channel": "door_to_door"})).json()["items"][0]["code"]
    slot_id = await _slot(client, worker)
    outside_id, _ = await add_user(client, auth, "resident", GRID_B)
    flagged_id, _ = await add_user(client, auth, "resident", GRID_OTHER_TOWN)
    await client.patch(f"/api/v1/users/{flagged_id}", json={"flags": ["elderly"]}, headers=await auth.role("admin"))
    unflagged_here, _ = await add_user(client, auth, "resident", GRID_A)
    answers = {}
    for name, resident_id in (("missing", MISSING), ("outside", outside_id), ("outside, flagged", flagged_id)):
        answers[name] = await client.post(
            "/api/v1/bookings",
            json={
                "slot_id": slot_id,
                "kind": "visit",
                "service_code": service,
                "resident_id": resident_id,
                "identity_check": "home_visit",
            },
            headers=worker,
        )
    assert {(a.status_code, a.content) for a in answers.values()} == {(400, answers["missing"].content)}
    assert answers["missing"].json()["error"]["code"] == "case.resident_invalid"
    # Inside the grid the worker may know: not eligible is said as before.
    here = await client.post(
        "/api/v1/bookings",
        json={"slot_id": slot_id, "kind": "visit", "service_code": service, "resident_id": unflagged_here},
        headers=worker,
    )
    assert here.status_code == 403 and here.json()["error"]["code"] == "booking.not_eligible"
    assert (await client.get("/api/v1/bookings", headers=staff)).json()["items"] == []
