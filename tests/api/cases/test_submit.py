"""Registering cases (登记): own, proxy, idempotent, numbered."""

import asyncio
import re

from backend.accounts.tables import User
from tests.conftest import error_code

from .helpers import GRID_A, GRID_B, move, submit, user_id


async def test_receipt_number_is_readable_and_monthly(client, auth):
    case = (await submit(client, await auth.role("resident"))).json()
    assert re.fullmatch(r"BM-2026-11-\d{6}", case["receipt_no"])
    assert case["time_limit_days"] == 30  # 最低生活保障申请 promises 30 working days


async def test_complaints_and_suggestions_need_no_service_and_use_the_default_limit(client, auth):
    resident = await auth.role("resident")
    for kind in ("complaint", "suggestion"):
        response = await submit(client, resident, kind=kind, service_code=None, title="村口路灯不亮")
        assert response.status_code == 201, response.text
        assert response.json()["time_limit_days"] == 15 and response.json()["kind_label"] in ("投诉", "建议")
    missing = await submit(client, resident, service_code=None)
    assert missing.status_code == 400 and error_code(missing) == "case.service_required"


async def test_bad_input_is_refused_and_nothing_is_created(client, auth):
    resident = await auth.role("resident")
    for fields, code in (
        ({"region": "990101001001"}, "request.invalid_field"),
        ({"region": "990101009009009"}, "case.region_invalid"),
        ({"service_code": "NOPE-001"}, "case.service_invalid"),
        ({"kind": "gossip"}, "request.invalid_field"),
        ({"title": ""}, "request.invalid_field"),
    ):
        response = await submit(client, resident, **fields)
        assert response.status_code == 400, fields
        assert error_code(response) == code, fields
    assert (await client.get("/api/v1/cases", headers=resident)).json()["items"] == []


async def test_description_is_shown_in_the_readers_script(client, auth):
    resident = await auth.role("resident")
    case = (await submit(client, resident, description="群众反映路灯坏了，为什么没人修")).json()
    staff = await auth.role("staff")
    await client.patch("/api/v1/me", json={"locale": "zh-Hant"}, headers=staff)
    seen = (await client.get(f"/api/v1/cases/{case['id']}", headers=staff)).json()
    assert seen["description"] == "群眾反映路燈壞了，為什麼沒人修"
    assert seen["status_label"] == "已提交" and seen["kind_label"] == "辦事申請"


async def test_grid_worker_files_for_a_new_resident_who_then_sees_it_as_theirs(client, auth):
    worker = await auth.role("grid_worker")
    no_check = await submit(client, worker, resident_phone="13966667777")
    assert no_check.status_code == 400 and error_code(no_check) == "case.identity_check_required"
    response = await submit(
        client, worker, resident_phone="139 6666 7777", resident_name="赵奶奶", identity_check="home_visit"
    )
    assert response.status_code == 201, response.text
    case = response.json()
    assert case["identity_check"] == "home_visit"
    assert case["submitted_by"]["role"] == "grid_worker"
    assert case["resident"]["name"] == "赵奶奶"
    created = await User.select(User.role, User.region.code).where(User.phone == "13966667777").first()
    assert created == {"role": "resident", "region.code": GRID_A}
    mine = (await client.get("/api/v1/cases", headers=await auth.headers("13966667777"))).json()["items"]
    assert [c["id"] for c in mine] == [case["id"]]


async def test_proxy_filing_stays_inside_the_workers_grid(client, auth):
    worker = await auth.role("grid_worker")
    elsewhere = await submit(client, worker, region=GRID_B, resident_phone="13966668888", identity_check="phone")
    assert elsewhere.status_code == 400 and error_code(elsewhere) == "case.region_invalid"
    resident_id = await user_id(client, await auth.role("resident"))
    by_id = await submit(client, worker, resident_id=resident_id, identity_check="phone")
    assert by_id.status_code == 201
    staff_id = await user_id(client, await auth.role("staff"))
    not_resident = await submit(client, worker, resident_id=staff_id, identity_check="phone")
    assert not_resident.status_code == 400 and error_code(not_resident) == "case.resident_invalid"


async def test_residents_cannot_file_for_someone_else(client, auth):
    response = await submit(client, await auth.role("resident"), resident_phone="13966669999", identity_check="phone")
    assert response.status_code == 403 and error_code(response) == "case.proxy_not_allowed"


async def test_retry_with_the_same_key_returns_the_same_case(client, auth):
    resident = await auth.role("resident")
    first = await submit(client, resident, key="phone-outbox-1")
    second = await submit(client, resident, key="phone-outbox-1")
    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    listed = (await client.get("/api/v1/cases", headers=resident)).json()["items"]
    assert len(listed) == 1


async def test_same_key_with_a_different_body_is_422_and_creates_nothing(client, auth):
    resident = await auth.role("resident")
    await submit(client, resident, key="k-1")
    changed = await submit(client, resident, key="k-1", title="别的事")
    assert changed.status_code == 422 and error_code(changed) == "idempotency.key_reused"
    assert len((await client.get("/api/v1/cases", headers=resident)).json()["items"]) == 1


async def test_keys_belong_to_their_user(client, auth):
    first = await submit(client, await auth.role("resident"), key="shared")
    other = await submit(
        client, await auth.role("grid_worker"), key="shared", resident_phone="13955551111", identity_check="phone"
    )
    assert first.status_code == other.status_code == 201
    assert first.json()["id"] != other.json()["id"]


async def test_twenty_identical_requests_at_once_make_one_case(client, auth):
    resident = await auth.role("resident")
    responses = await asyncio.gather(*(submit(client, resident, key="same-moment") for _ in range(20)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert len({r.content for r in responses}) == 1
    assert len((await client.get("/api/v1/cases?limit=100", headers=resident)).json()["items"]) == 1


async def test_hundred_distinct_submissions_at_once_get_distinct_receipts(client, auth):
    resident = await auth.role("resident")
    responses = await asyncio.gather(
        *(submit(client, resident, key=f"distinct-{i}", title=f"事项{i}") for i in range(100))
    )
    assert [r.status_code for r in responses] == [201] * 100
    receipts = {r.json()["receipt_no"] for r in responses}
    assert len(receipts) == 100
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in receipts)
    assert numbers == list(range(1, 101))


async def test_cancel_is_only_for_the_resident(client, auth):
    case = (await submit(client, await auth.role("resident"))).json()
    assert (await move(client, await auth.role("grid_worker"), case["id"], "cancel")).status_code == 409
