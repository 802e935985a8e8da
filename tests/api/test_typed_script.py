"""Every word a person types reads back exactly as typed in its own script, and
converted for a reader of the other one (DESIGN, Locales).

One paragraph in each script carries the characters a blind conversion gets wrong:
著/着, 后/後, 干/乾/幹, 发/發/髮, 只/隻. Each kind of typed text is written by someone
whose screen shows one script, then read by a reader who switches between the two.
"""

import re
from collections.abc import Awaitable, Callable

import pytest

from tests.api.cases.helpers import GRID_A, move, submit, user_id
from tests.api.ratings.helpers import rate, resolved_case

#: (typed, as a reader of the other script reads it): OpenCC's s2tw and tw2s, fixed here.
PARAGRAPHS = {
    "zh-Hans": ("他显著提高了，后来干了一只发卡", "他顯著提高了，後來幹了一隻髮卡"),
    "zh-Hant": ("後來頭髮乾了，就幹活去，顯著養了一隻貓", "后来头发干了，就干活去，显著养了一只猫"),
}
OTHER = {"zh-Hans": "zh-Hant", "zh-Hant": "zh-Hans"}
SLOT_DAY = "2026-11-25"  # a Wednesday, two days after the test clock's Monday

Reader = tuple[dict[str, str], Callable[[], Awaitable[list[str]]]]


async def _script(client, headers, script: str) -> None:
    changed = await client.patch("/api/v1/me", json={"locale": script}, headers=headers)
    assert changed.status_code == 200 and changed.json()["locale"] == script, changed.text


async def _get(client, url: str, headers) -> dict:
    response = await client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _case_text(client, auth, script: str, text: str) -> Reader:
    resident, staff = await auth.role("resident"), await auth.role("staff")
    await _script(client, resident, script)
    created = await submit(client, resident, title=text, description=text, address=text)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]

    async def read() -> list[str]:
        case = await _get(client, f"/api/v1/cases/{case_id}", staff)
        [listed] = [c for c in (await _get(client, "/api/v1/cases", staff))["items"] if c["id"] == case_id]
        return [case["title"], case["description"], case["address"], listed["title"]]

    return staff, read


async def _timeline_note(client, auth, script: str, text: str) -> Reader:
    resident, staff = await auth.role("resident"), await auth.role("staff")
    case_id = (await submit(client, resident)).json()["id"]
    await _script(client, staff, script)
    assert (await move(client, staff, case_id, "accept", note=text)).status_code == 200

    async def read() -> list[str]:
        timeline = (await _get(client, f"/api/v1/cases/{case_id}", resident))["timeline"]
        return [event["note"] for event in timeline if event["action"] == "accept"]

    return resident, read


async def _rating_comment(client, auth, script: str, text: str) -> Reader:
    resident, staff = await auth.role("resident"), await auth.role("staff")
    case_id = (await resolved_case(client, auth))["id"]
    await _script(client, resident, script)
    rated = await rate(client, resident, case_id, score=1, tags=["attitude"], comment=text)
    assert rated.status_code == 201, rated.text

    async def read() -> list[str]:
        ratings = (await _get(client, f"/api/v1/cases/{case_id}/rating", staff))["ratings"]
        timeline = (await _get(client, f"/api/v1/cases/{case_id}", staff))["timeline"]
        return [ratings[0]["comment"], *[e["note"] for e in timeline if e["action"] == "rate"]]

    return staff, read


async def _flagged(client, auth) -> int:
    resident = await auth.role("resident")
    case_id = (await resolved_case(client, auth))["id"]
    rating = await rate(client, resident, case_id, score=1, tags=["attitude"], comment="乱评")
    assert rating.status_code == 201, rating.text
    return rating.json()["id"]


async def _flag_reason(client, auth, script: str, text: str) -> Reader:
    staff, admin = await auth.role("staff"), await auth.role("admin")
    rating_id = await _flagged(client, auth)
    await _script(client, staff, script)
    flagged = await client.post(f"/api/v1/ratings/{rating_id}/flag", json={"reason": text}, headers=staff)
    assert flagged.status_code == 200, flagged.text

    async def read() -> list[str]:
        return [item["flag_reason"] for item in (await _get(client, "/api/v1/ratings/flags", admin))["items"]]

    return admin, read


async def _decision_note(client, auth, script: str, text: str) -> Reader:
    staff, admin = await auth.role("staff"), await auth.role("admin")
    rating_id = await _flagged(client, auth)
    assert (
        await client.post(f"/api/v1/ratings/{rating_id}/flag", json={"reason": "恶意"}, headers=staff)
    ).status_code == 200
    await _script(client, admin, script)
    decided = await client.post(
        f"/api/v1/ratings/{rating_id}/decision", json={"uphold": False, "note": text}, headers=admin
    )
    assert decided.status_code == 200, decided.text

    async def read() -> list[str]:
        items = (await _get(client, "/api/v1/ratings/flags?status=decided", staff))["items"]
        return [item["decision_note"] for item in items]

    return staff, read


async def _follow_up_note(client, auth, script: str, text: str) -> Reader:
    staff, admin = await auth.role("staff"), await auth.role("admin")
    await _flagged(client, auth)  # a score of 1 opens a follow-up
    [follow_up] = (await _get(client, "/api/v1/follow-ups", staff))["items"]
    await _script(client, staff, script)
    step = await client.post(
        f"/api/v1/follow-ups/{follow_up['id']}/steps",
        json={"step": "callback", "outcome": "verified", "note": text},
        headers=staff,
    )
    assert step.status_code == 200, step.text

    async def read() -> list[str]:
        [item] = (await _get(client, "/api/v1/follow-ups", admin))["items"]
        timeline = (await _get(client, f"/api/v1/cases/{follow_up['case_id']}", admin))["timeline"]
        return [
            *[s["note"] for s in item["steps"]],
            *[e["note"] for e in timeline if e["action"] == "follow_up_callback"],
        ]

    return admin, read


async def _proxy_booking(client, auth, **fields) -> dict:
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    service = (await _get(client, "/api/v1/services?channel=proxy", resident))["items"][0]["code"]
    slot = await client.post(
        "/api/v1/slots", json={"date": SLOT_DAY, "half_day": "am", "kind": "proxy", "capacity": 1}, headers=worker
    )
    assert slot.status_code == 201, slot.text
    booked = await client.post(
        "/api/v1/bookings",
        json={"slot_id": slot.json()["id"], "kind": "proxy", "service_code": service, **fields},
        headers=resident,
    )
    assert booked.status_code == 201, booked.text
    return booked.json()


async def _booking_note(client, auth, script: str, text: str) -> Reader:
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    await _script(client, resident, script)
    booking = await _proxy_booking(client, auth, note=text)

    async def read() -> list[str]:
        seen = await _get(client, f"/api/v1/bookings/{booking['id']}", worker)
        case = await _get(client, f"/api/v1/cases/{booking['case_id']}", worker)
        return [seen["note"], case["description"]]

    return worker, read


async def _handover_items(client, auth, script: str, text: str) -> Reader:
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    booking = await _proxy_booking(client, auth)
    case_id = booking["case_id"]
    await _script(client, worker, script)
    received = await client.post(
        f"/api/v1/cases/{case_id}/handovers",
        json={"items": [{"name": text, "count": 1}], "direction": "received"},
        headers=worker,
    )
    assert received.status_code == 201, received.text

    async def read() -> list[str]:
        [handover] = (await _get(client, f"/api/v1/cases/{case_id}/handovers", resident))["items"]
        timeline = (await _get(client, f"/api/v1/cases/{case_id}", resident))["timeline"]
        return [
            *[item["name"] for item in handover["items"]],
            *[e["note"].removesuffix("×1") for e in timeline if e["action"] == "handover_received"],
        ]

    return resident, read


async def _family_labels(client, auth, script: str, text: str) -> Reader:
    son = await auth.role("resident")
    await _script(client, son, script)
    asked = await client.post(
        "/api/v1/family-links", json={"phone": "13900000077", "relation": text, "relative_name": text}, headers=son
    )
    assert asked.status_code == 201, asked.text

    async def read() -> list[str]:
        [link] = (await _get(client, "/api/v1/family-links", son))["items"]
        return [link["relation"], link["relative"]["name"]]

    return son, read


async def _person_name(client, auth, script: str, text: str) -> Reader:
    resident, staff = await auth.role("resident"), await auth.role("staff")
    await _script(client, resident, script)
    assert (await client.patch("/api/v1/me", json={"name": text}, headers=resident)).status_code == 200
    case_id = (await submit(client, resident)).json()["id"]
    me = await user_id(client, resident)

    async def read() -> list[str]:
        case = await _get(client, f"/api/v1/cases/{case_id}", staff)
        [found] = [r for r in (await _get(client, "/api/v1/residents", staff))["items"] if r["id"] == me]
        return [case["resident"]["name"], case["submitted_by"]["name"], found["name"]]

    return staff, read


async def _notice(client, auth, script: str, text: str) -> Reader:
    staff, resident = await auth.role("staff"), await auth.role("resident")
    suffix = "hans" if script == "zh-Hans" else "hant"
    body = {"region": GRID_A[:12], f"title_{suffix}": text, f"body_{suffix}": text}
    published = await client.post("/api/v1/notices", json=body, headers=staff)
    assert published.status_code == 201, published.text

    async def read() -> list[str]:
        [notice] = (await _get(client, "/api/v1/notices", resident))["items"]
        return [notice["title"], notice["body"]]

    return resident, read


async def _notification(client, auth, script: str, text: str) -> Reader:
    resident, staff = await auth.role("resident"), await auth.role("staff")
    await _script(client, resident, script)
    case_id = (await submit(client, resident, title=text)).json()["id"]
    assert (await move(client, staff, case_id, "accept")).status_code == 200

    async def read() -> list[str]:
        items = (await _get(client, "/api/v1/notifications", resident))["items"]
        quoted = [re.search("“(.+)”", item["body"]) for item in items if item["case_id"] == case_id]
        return [match.group(1) for match in quoted if match]

    return resident, read


async def _slot_worker_name(client, auth, script: str, text: str) -> Reader:
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    await _script(client, worker, script)
    assert (await client.patch("/api/v1/me", json={"name": text}, headers=worker)).status_code == 200
    booking = await _proxy_booking(client, auth)
    free = await client.post(
        "/api/v1/slots", json={"date": SLOT_DAY, "half_day": "pm", "kind": "visit", "capacity": 1}, headers=worker
    )
    assert free.status_code == 201, free.text

    async def read() -> list[str]:
        seen = await _get(client, f"/api/v1/bookings/{booking['id']}", resident)
        slots = (await _get(client, f"/api/v1/slots?from={SLOT_DAY}&to={SLOT_DAY}", resident))["items"]
        return [seen["slot"]["worker_name"], *[slot["worker_name"] for slot in slots]]

    return resident, read


async def _accepted_case(client, auth) -> tuple[int, dict[str, str], dict[str, str]]:
    resident, staff = await auth.role("resident"), await auth.role("staff")
    case_id = (await submit(client, resident)).json()["id"]
    assert (await move(client, staff, case_id, "accept")).status_code == 200
    return case_id, resident, staff


async def _extension_reason(client, auth, script: str, text: str) -> Reader:
    case_id, resident, staff = await _accepted_case(client, auth)
    await _script(client, staff, script)
    asked = await client.post(f"/api/v1/cases/{case_id}/extensions", json={"days": 2, "reason": text}, headers=staff)
    assert asked.status_code == 201, asked.text

    async def read() -> list[str]:
        case = await _get(client, f"/api/v1/cases/{case_id}", resident)
        notes = [event["note"] for event in case["timeline"] if event["action"] == "extension_asked"]
        return [extension["reason"] for extension in case["extensions"]] + notes

    return resident, read


async def _consent_name(client, auth, script: str, text: str) -> Reader:
    case_id, resident, staff = await _accepted_case(client, auth)
    asked = await client.post(f"/api/v1/cases/{case_id}/extensions", json={"days": 2, "reason": "材料"}, headers=staff)
    extension = asked.json()
    await _script(client, staff, script)
    recorded = await client.post(
        f"/api/v1/cases/{case_id}/extensions/{extension['id']}/phone-consent",
        json={"agreed_by": text, "agreed_at": extension["requested_at"]},
        headers=staff,
    )
    assert recorded.status_code == 200, recorded.text

    async def read() -> list[str]:
        case = await _get(client, f"/api/v1/cases/{case_id}", resident)
        notes = [event["note"] for event in case["timeline"] if event["action"] == "extension_agreed"]
        return [extension["agreed_by_name"] for extension in case["extensions"]] + notes

    return resident, read


KINDS = {
    "notification naming the case": _notification,
    "grid worker's name on a slot": _slot_worker_name,
    "case title, description, address": _case_text,
    "timeline note": _timeline_note,
    "rating comment": _rating_comment,
    "flag reason": _flag_reason,
    "flag decision note": _decision_note,
    "follow-up note": _follow_up_note,
    "booking note": _booking_note,
    "handover item name": _handover_items,
    "family relation and label": _family_labels,
    "person's name": _person_name,
    "notice": _notice,
    "extension reason": _extension_reason,
    "name of who agreed to an extension by phone": _consent_name,
}


@pytest.mark.parametrize("script", sorted(PARAGRAPHS))
@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_typed_text_reads_back_as_typed_and_converted_in_the_other_script(client, auth, kind, script):
    typed, converted = PARAGRAPHS[script]
    reader, read = await KINDS[kind](client, auth, script, typed)
    await _script(client, reader, script)
    same = await read()
    assert same and same == [typed] * len(same)
    await _script(client, reader, OTHER[script])
    other = await read()
    assert other == [converted] * len(same)


async def test_a_notice_typed_in_both_scripts_keeps_each_as_typed(client, auth):
    staff, resident = await auth.role("staff"), await auth.role("resident")
    hans, hant = PARAGRAPHS["zh-Hans"][0], PARAGRAPHS["zh-Hant"][0]
    body = {"region": GRID_A[:12], "title_hans": hans, "body_hans": hans, "title_hant": hant, "body_hant": hant}
    assert (await client.post("/api/v1/notices", json=body, headers=staff)).status_code == 201
    for script, expected in (("zh-Hans", hans), ("zh-Hant", hant)):
        await _script(client, resident, script)
        [notice] = (await _get(client, "/api/v1/notices", resident))["items"]
        assert notice["title"] == notice["body"] == expected


async def test_a_notice_without_title_in_either_script_is_refused(client, auth):
    staff = await auth.role("staff")
    refused = await client.post("/api/v1/notices", json={"region": GRID_A[:12], "body_hans": "内容"}, headers=staff)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "notice.title_required"
    assert (await _get(client, "/api/v1/notices", await auth.role("resident")))["items"] == []


@pytest.mark.parametrize(
    ("script", "name", "query"), [("zh-Hant", "陳秀蘭", "陈秀兰"), ("zh-Hans", "陈秀兰", "陳秀蘭")]
)
async def test_a_name_typed_in_one_script_is_found_by_a_search_in_the_other(client, auth, script, name, query):
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    await _script(client, resident, script)
    assert (await client.patch("/api/v1/me", json={"name": name}, headers=resident)).status_code == 200
    found = (await _get(client, f"/api/v1/residents?q={query}", worker))["items"]
    assert [item["id"] for item in found] == [await user_id(client, resident)]
