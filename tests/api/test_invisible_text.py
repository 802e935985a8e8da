"""Bidi overrides and zero-width characters in names and text (finding 19).

A name with a right-to-left override (U+202E) reads differently on every screen that shows
it than what is stored, and a zero-width space makes two names that look the same differ.
Every text field of every request is checked in one place (``lib.structs.Input``): such a
character answers 400 ``request.invisible_character`` naming the field, and nothing is
stored. A zero-width joiner between two emoji draws one picture and is kept as typed.
"""

import pytest

from backend.accounts import service as accounts
from backend.cases.tables import Case
from tests.api.cases.helpers import move, submit
from tests.conftest import DEMO, error_code

RLO, LRI, LRM, ZWSP, ZWJ, BOM = "\u202e", "\u2066", "\u200e", "\u200b", "\u200d", "\ufeff"
FARMER = f"\U0001f469{ZWJ}\U0001f33e"  # woman + ZWJ + sheaf of rice: one emoji


def _refused(response, field: str, character: str) -> None:
    assert response.status_code == 400, response.text
    assert error_code(response) == "request.invisible_character"
    error = response.json()["error"]
    assert error["details"] == {"field": field, "character": character}
    assert f"“{field}”" in error["message"] and character in error["message"]


@pytest.mark.parametrize(
    ("name", "character"),
    [
        (f"王{RLO}芳", "U+202E"),
        (f"王芳{ZWSP}", "U+200B"),
        (f"{LRM}王芳", "U+200E"),
        (f"王{LRI}芳", "U+2066"),
        (f"王{BOM}芳", "U+FEFF"),
        (f"王{ZWJ}芳", "U+200D"),  # a joiner between two Chinese characters joins nothing
        ("王\u3164", "U+3164"),  # the Hangul filler that draws as blank
    ],
)
async def test_a_name_with_an_invisible_character_is_refused_and_not_stored(client, auth, name, character):
    resident = await auth.role("resident")
    _refused(await client.patch("/api/v1/me", json={"name": name}, headers=resident), "name", character)
    assert (await client.get("/api/v1/me", headers=resident)).json()["name"] == "王秀英"
    created = await client.post(
        "/api/v1/users", json={"phone": "13955556666", "name": name}, headers=await auth.role("admin")
    )
    _refused(created, "name", character)
    assert await accounts.find_by_phone("13955556666") is None


async def test_the_message_names_the_field_in_the_readers_script(client, auth):
    resident = await auth.role("resident")
    assert (await client.patch("/api/v1/me", json={"locale": "zh-Hant"}, headers=resident)).status_code == 200
    response = await client.patch("/api/v1/me", json={"name": f"王{RLO}芳"}, headers=resident)
    _refused(response, "name", "U+202E")
    assert "看不見的字符" in response.json()["error"]["message"]


async def test_case_text_notes_and_nested_items_are_checked_the_same_way(client, auth):
    resident, staff, worker = await auth.role("resident"), await auth.role("staff"), await auth.role("grid_worker")
    cases = await Case.count()
    _refused(await submit(client, resident, title=f"申请{RLO}低保"), "title", "U+202E")
    _refused(await submit(client, resident, description=f"家里{ZWSP}困难"), "description", "U+200B")
    assert await Case.count() == cases
    proxied = await submit(client, worker, resident_phone=DEMO["resident"], identity_check="home_visit")
    case_id = proxied.json()["id"]
    _refused(await move(client, staff, case_id, "accept", note=f"已{LRI}受理"), "note", "U+2066")
    handover = await client.post(
        f"/api/v1/cases/{case_id}/handovers",
        json={"items": [{"name": "户口簿"}, {"name": f"身份证{BOM}"}], "direction": "received"},
        headers=worker,
    )
    _refused(handover, "items[1].name", "U+FEFF")
    notice = {"region": "990101001001", "title_hans": "通知", "body_hans": f"请{RLO}缴费"}
    _refused(await client.post("/api/v1/notices", json=notice, headers=staff), "body_hans", "U+202E")


async def test_an_emoji_joined_with_zwj_reads_back_exactly_as_typed(client, auth):
    resident = await auth.role("resident")
    text = f"谢谢网格员{FARMER}，家里{FARMER}都很好"
    created = await submit(client, resident, description=text)
    assert created.status_code == 201, created.text
    case = (await client.get(f"/api/v1/cases/{created.json()['id']}", headers=resident)).json()
    assert case["description"] == text
    renamed = await client.patch("/api/v1/me", json={"name": f"王秀英{FARMER}"}, headers=resident)
    assert renamed.status_code == 200 and renamed.json()["name"] == f"王秀英{FARMER}"
