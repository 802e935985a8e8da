"""Helpers for the grid worker's (网格员) browser tests: a case brought to the worker
by the resident and staff, a booking in the worker's slot."""

from __future__ import annotations

import io
import uuid

from PIL import Image

from tests.e2e.resident import GRID_WORKER, HOME_GRID, RESIDENT, STAFF, api_as, beijing_day


def assigned_case(page, live_server, title: str | None = None, **fields) -> dict:
    """A complaint from the demo resident, accepted by staff and assigned to the demo grid worker."""
    resident = api_as(page, live_server, RESIDENT)
    staff = api_as(page, live_server, STAFF)
    worker_id = api_as(page, live_server, GRID_WORKER).get("/me")["id"]
    body = {
        "kind": "complaint",
        "title": title or f"村口路灯不亮{uuid.uuid4().hex[:4]}",
        "description": "晚上看不清路，老人容易摔倒。",
        "region": HOME_GRID,
        **fields,
    }
    case = resident.post("/cases", body)
    staff.transition(case["id"], "accept")
    staff.transition(case["id"], "assign", assignee_id=worker_id)
    return case


def booked_visit(page, live_server, days_ahead: int = 0, half_day: str = "am") -> dict:
    """A door-to-door visit the demo resident booked in a fresh slot of the demo grid worker."""
    worker = api_as(page, live_server, GRID_WORKER)
    resident = api_as(page, live_server, RESIDENT)
    day = beijing_day(days_ahead).isoformat()
    mine = [
        s
        for s in worker.get(f"/slots/mine?from={day}&to={day}")["items"]
        if s["half_day"] == half_day and s["kind"] == "visit"
    ]
    slot = (
        mine[0] if mine else worker.post("/slots", {"date": day, "half_day": half_day, "kind": "visit", "capacity": 5})
    )
    services = resident.get("/services?channel=door_to_door")["items"]
    return resident.post(
        "/bookings",
        {"slot_id": slot["id"], "kind": "visit", "service_code": services[0]["code"], "note": "腿脚不便，请上门"},
    )


def photo_png(size: tuple[int, int] = (1200, 900)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (40, 140, 90)).save(out, "PNG")
    return out.getvalue()


def put(api, path: str, body: dict) -> dict:
    """PUT as ``api``'s user (the resident helpers have GET and POST only)."""
    answer = api.page.request.put(f"{api.base}/api/v1{path}", data=body, headers=api.headers())
    assert answer.ok, (path, answer.status, answer.text())
    return answer.json()


def actions(case: dict) -> list[str]:
    return [event["action"] for event in case["timeline"]]
