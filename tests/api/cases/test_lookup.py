"""Progress lookup by receipt number and phone, for people without an account."""

from tests.conftest import error_code

from .helpers import move, submit


async def test_lookup_shows_status_and_steps_without_personal_data(client, auth):
    case = (await submit(client, await auth.role("resident"), description="我家住东山村3组，电话13800000001")).json()
    await move(client, await auth.role("staff"), case["id"], "accept")
    response = await client.get(
        "/api/v1/cases/lookup",
        params={"receipt_no": case["receipt_no"].lower(), "phone": "138-0000-0001"},
        headers={"Accept-Language": "zh-TW"},
    )
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["status"] == "accepted" and found["status_label"] == "已受理"
    assert [e["action_label"] for e in found["timeline"]] == ["提交", "受理"]
    text = response.text
    assert "13800000001" not in text and "王秀英" not in text and "东山村3组" not in text
    assert "description" not in found and "resident" not in found


async def test_any_mismatch_is_404(client, auth):
    case = (await submit(client, await auth.role("resident"))).json()
    for params in (
        {"receipt_no": case["receipt_no"], "phone": "13900000000"},
        {"receipt_no": "BM-2026-11-999999", "phone": "13800000001"},
        {"receipt_no": case["receipt_no"], "phone": "not a phone"},
    ):
        response = await client.get("/api/v1/cases/lookup", params=params)
        assert response.status_code == 404 and error_code(response) == "not_found"


async def test_guessing_receipt_numbers_is_rate_limited(client, auth):
    case = (await submit(client, await auth.role("resident"))).json()
    for n in range(10):
        miss = await client.get(
            "/api/v1/cases/lookup", params={"receipt_no": f"BM-2026-11-{n:06d}9", "phone": "13900000000"}
        )
        assert miss.status_code == 404
    blocked = await client.get(
        "/api/v1/cases/lookup", params={"receipt_no": case["receipt_no"], "phone": "13800000001"}
    )
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
