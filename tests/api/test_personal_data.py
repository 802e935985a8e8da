"""Id numbers and phones: encrypted or masked at rest and in every answer, each reveal audited."""

from __future__ import annotations

import io
import re

import openpyxl
from piccolo.columns import JSON, JSONB, Text, Varchar

from backend.accounts import service as accounts
from backend.accounts.tables import Audit
from backend.lib.crypto import FieldCipher
from backend.lib.db import all_tables
from backend.lib.privacy import mask_phone
from tests.api.cases.helpers import GRID_A, add_user, move, submit, user_id
from tests.conftest import DEMO, SECRET

DEMO_ID = "99010119440315002X"  # the demo resident's, seeded encrypted
TYPED_ID = "110101199003070011"  # what a resident types into a case; valid check digit
STAFF_ID = "110101198001010037"


def _id_numbers_in(text: str) -> list[str]:
    return [number for number in (DEMO_ID, TYPED_ID, STAFF_ID) if number.lower() in text.lower()]


async def _flow_that_stores_id_numbers(client, auth) -> dict[str, dict[str, str]]:
    resident, staff, worker = await auth.role("resident"), await auth.role("staff"), await auth.role("grid_worker")
    registered = await client.post(
        "/api/v1/users",
        headers=staff,
        json={
            "phone": "13955550001",
            "name": "周大伯",
            "region": GRID_A,
            "flags": ["elderly"],
            "id_number": STAFF_ID,
        },
    )
    assert registered.status_code == 201 and registered.json()["id_number"] == "110***********0037"
    case = (
        await submit(
            client,
            resident,
            title=f"身份证{TYPED_ID}",
            description=f"我的身份证号是{TYPED_ID}，请帮忙办理。",
            address=f"东山村{TYPED_ID.lower()}",
        )
    ).json()
    await move(client, staff, case["id"], "accept", note=f"核对身份证{TYPED_ID}")
    await move(client, staff, case["id"], "assign", assignee_id=await user_id(client, worker))
    await move(client, worker, case["id"], "start")
    await move(client, worker, case["id"], "resolve", note=f"已核实{DEMO_ID}")
    rated = await client.post(
        f"/api/v1/cases/{case['id']}/rating",
        headers=resident,
        json={"score": 5, "comment": f"谢谢，我的号码{TYPED_ID}"},
    )
    assert rated.status_code == 201, rated.text
    proxied = await submit(
        client,
        worker,
        title="代办",
        description=f"代{STAFF_ID}办理",
        resident_phone="13955550001",
        identity_check="home_visit",
    )
    assert proxied.status_code == 201, proxied.text
    handover = await client.post(
        f"/api/v1/cases/{proxied.json()['id']}/handovers",
        headers=worker,
        json={
            "items": [{"name": f"身份证复印件{STAFF_ID}", "count": 1}],
            "direction": "received",
        },
    )
    assert handover.status_code == 201, handover.text
    assert handover.json()["items"][0]["name"] == "身份证复印件110***********0037"
    return {"resident": resident, "staff": staff, "worker": worker, "case": case, "rating": rated.json()}


async def _typed_into_every_other_field(client, auth, people: dict) -> None:
    """An id number typed into each remaining field a person writes: names, a relation, a
    notice, a department, flag and decision notes, slot and override reasons, booking and
    visit notes, a holiday's note, a region's and a catalog entry's names (finding 14)."""
    resident, staff, worker = people["resident"], people["staff"], people["worker"]
    admin = await auth.role("admin")

    async def ok(method: str, path: str, headers: dict, body: dict) -> dict:
        response = await client.request(method, f"/api/v1{path}", json=body, headers=headers)
        assert response.status_code < 300, (path, response.text)
        return response.json() if response.content else {}

    me = await ok("PATCH", "/me", resident, {"name": f"王{TYPED_ID}"})
    assert me["name"] == "王110***********0011"
    created = await ok("POST", "/users", staff, {"phone": "13955550002", "name": f"李{STAFF_ID}", "region": GRID_A})
    await ok("PATCH", f"/users/{created['id']}", admin, {"name": f"李{TYPED_ID}"})
    await ok("POST", "/family-links", resident, {"phone": "13955550003", "relation": f"儿子{TYPED_ID}"})
    await ok(
        "POST", "/notices", staff, {"region": "990101001001", "title_hans": f"通知{TYPED_ID}", "body_hans": STAFF_ID}
    )
    case = (await submit(client, resident)).json()
    await move(client, staff, case["id"], "accept")
    moved = await move(
        client, staff, case["id"], "assign", assignee_id=await user_id(client, worker), department=f"民政办{TYPED_ID}"
    )
    assert moved.status_code == 200, moved.text
    rating = people["rating"]
    await ok("POST", f"/ratings/{rating['id']}/flag", staff, {"reason": f"恶意评价{TYPED_ID}"})
    await ok("POST", f"/ratings/{rating['id']}/decision", admin, {"uphold": True, "note": f"核实{STAFF_ID}"})
    slot = await ok("POST", "/slots", worker, {"date": "2026-11-25", "half_day": "am", "kind": "visit", "capacity": 2})
    service = (await client.get("/api/v1/services", params={"channel": "door_to_door"})).json()["items"][0]["code"]
    booking = await ok(
        "POST",
        "/bookings",
        resident,
        {"slot_id": slot["id"], "kind": "visit", "service_code": service, "note": TYPED_ID},
    )
    await ok("POST", f"/bookings/{booking['id']}/check-in", worker, {"note": f"已核对{TYPED_ID}"})
    await ok("PATCH", f"/slots/{slot['id']}", worker, {"status": "closed", "reason": f"请假{STAFF_ID}"})
    young = (await ok("POST", "/users", staff, {"phone": "13955550004", "region": GRID_A}))["id"]
    await ok("POST", "/bookings/eligibility-overrides", staff, {"resident_id": young, "reason": f"残疾证{TYPED_ID}"})
    await ok(
        "PUT",
        "/holidays",
        admin,
        {"year": 2027, "items": [{"date": "2027-01-01", "is_workday": False, "note": TYPED_ID}]},
    )
    await ok(
        "POST",
        "/regions",
        admin,
        {
            "parent": "990101",
            "code": "990101003",
            "level": "township",
            "name_hans": f"新安镇{TYPED_ID}",
            "name_hant": "新安鎮",
        },
    )
    await ok(
        "POST",
        "/services",
        staff,
        {
            "code": "QH-001",
            "category": "civil_affairs",
            "name_hans": f"老年食堂{TYPED_ID}",
            "description_hans": f"凭{STAFF_ID}就餐",
            "materials_hans": [f"身份证{TYPED_ID}"],
            "time_limit_days": 3,
            "channels": ["door_to_door"],
        },
    )


async def _plain_id_numbers_at_rest() -> tuple[list[str], int]:
    """Every text and JSON column of every table, read with raw SQL: where a full id number sits."""
    found, scanned = [], 0
    for table in all_tables():
        columns = [c for c in table._meta.columns if isinstance(c, (Text, Varchar, JSON, JSONB))]
        if not columns:
            continue
        names = ", ".join(f'"{c._meta.db_column_name}"' for c in columns)
        for row in await table.raw(f'SELECT {names} FROM "{table._meta.tablename}"'):
            for name, value in row.items():
                scanned += 1
                if _id_numbers_in(str(value)):
                    found.append(f"{table._meta.tablename}.{name}: {value}")
    return found, scanned


async def test_no_id_number_is_stored_in_plain_text_in_any_column(client, auth, clock):
    await _flow_that_stores_id_numbers(client, auth)
    found, scanned = await _plain_id_numbers_at_rest()
    assert not found, found
    assert scanned > 100
    # Still there, encrypted: the one reader that needs it gets it back, and that read is audited.
    found_user = await accounts.find_by_phone("13955550001")
    assert await accounts.read_id_number(found_user.id, FieldCipher(SECRET), actor=7, now=clock.now()) == STAFF_ID
    assert await Audit.exists().where((Audit.action == "user.read_id_number") & (Audit.object_id == str(found_user.id)))


async def test_an_id_number_typed_into_any_field_is_masked_before_it_is_stored(client, auth):
    people = await _flow_that_stores_id_numbers(client, auth)
    await _typed_into_every_other_field(client, auth, people)
    found, scanned = await _plain_id_numbers_at_rest()
    assert not found, found
    assert scanned > 300
    typed = [
        await Audit.select(Audit.detail).where(Audit.action == action)
        for action in ("rating.flag", "rating.flag_upheld", "booking.eligibility_override")
    ]
    assert all(typed), typed  # the reasons and notes reached the audit trail, masked


async def test_answers_and_exports_show_id_numbers_masked_only(client, auth):
    people = await _flow_that_stores_id_numbers(client, auth)
    admin = await auth.role("admin")
    answers = [
        await client.get("/api/v1/me", headers=people["resident"]),
        await client.get("/api/v1/users", headers=people["staff"]),
        await client.get("/api/v1/users", headers=admin),
        await client.get(f"/api/v1/cases/{people['case']['id']}", headers=people["staff"]),
        await client.get("/api/v1/cases", headers=people["worker"]),
        await client.get(f"/api/v1/cases/{people['case']['id']}/rating", headers=people["staff"]),
        await client.get("/api/v1/notifications", headers=people["resident"]),
        await client.get("/api/v1/services/export", params={"format": "csv"}, headers=admin),
    ]
    for answer in answers:
        assert answer.status_code == 200 and not _id_numbers_in(answer.text), answer.text[:300]
    assert "990***********002X" in answers[0].text and "110***********0011" in answers[3].text
    for path in ("/api/v1/stats/export.xlsx", "/api/v1/services/export"):
        book = openpyxl.load_workbook(io.BytesIO((await client.get(path, headers=admin)).content))
        cells = " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row)
        assert not _id_numbers_in(cells) and not re.search(r"1[3-9]\d{9}", cells), path


async def test_phones_are_masked_in_lists_and_each_full_reveal_is_audited(client, auth):
    resident, staff, worker = await auth.role("resident"), await auth.role("staff"), await auth.role("grid_worker")
    case = (await submit(client, resident)).json()
    for path in ("/api/v1/cases", "/api/v1/users"):
        text = (await client.get(path, headers=staff)).text
        assert DEMO["resident"] not in text, path
    assert "138****0001" in (await client.get("/api/v1/users", headers=staff)).text
    # The resident reads their own case: their own number, nothing to audit.
    own = await client.get(f"/api/v1/cases/{case['id']}", headers=resident)
    assert own.json()["resident"]["phone"] == DEMO["resident"]
    reads = Audit.select().where((Audit.action == "case.read_personal") & (Audit.object_id == str(case["id"])))
    assert await reads == []
    # A clerk and the grid worker open it: the full number, one audit row each.
    for headers in (staff, worker):
        assert (await client.get(f"/api/v1/cases/{case['id']}", headers=headers)).json()["resident"]["phone"] == DEMO[
            "resident"
        ]
    assert {row["actor"] for row in await reads} == {await user_id(client, staff), await user_id(client, worker)}


async def test_a_family_link_shows_full_numbers_to_its_parties_and_masked_ones_to_the_grid_worker(client, auth):
    resident = await auth.role("resident")
    _, relative = await add_user(client, auth, "resident", GRID_A, name="儿子")
    relative_phone = (await client.get("/api/v1/me", headers=relative)).json()["phone"]
    link = (
        await client.post(
            "/api/v1/family-links", json={"phone": DEMO["resident"], "relation": "儿子"}, headers=relative
        )
    ).json()
    for headers in (relative, resident):
        [seen] = (await client.get("/api/v1/family-links", headers=headers)).json()["items"]
        assert {seen["requester"]["phone"], seen["relative"]["phone"]} == {relative_phone, DEMO["resident"]}
    [seen] = (await client.get("/api/v1/family-links", headers=await auth.role("grid_worker"))).json()["items"]
    assert seen["id"] == link["id"]
    assert {seen["requester"]["phone"], seen["relative"]["phone"]} == {
        mask_phone(relative_phone),
        "138****0001",
    }
