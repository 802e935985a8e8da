"""One county with two townships (and a second county), a person of every role in and
out of each place, and one of every kind of object on each side, built through the API.

The authorization tests (``test_authz_matrix.py``, ``test_authz_leaks.py``) share it per
module as the ``world`` fixture (``tests/api/conftest.py``): building it takes a few seconds,
and each of their hundreds of cases is then a single request. Side "a" lives in grid A of
清河镇 (the demo resident's); side "c" in 白石乡, the other township.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from backend.accounts import service as accounts
from backend.accounts.structs import UserCreate
from backend.app import create_app
from backend.regions import service as regions
from backend.settings import Settings
from tests.api.cases.helpers import GRID_A, GRID_B, GRID_OTHER_TOWN, move, submit
from tests.conftest import DEMO, PG_URL, SECRET, RecordingSms, TravelClock, seeded_client, session_token
from tests.unit.media.pictures import jpeg

API = "/api/v1"
GRID_C = GRID_OTHER_TOWN
OTHER_COUNTY = [
    {
        "code": "990102",
        "name": "远山县",
        "children": [
            {
                "code": "990102001",
                "name": "远山镇",
                "children": [
                    {
                        "code": "990102001001",
                        "name": "远山村",
                        "children": [{"code": "990102001001001", "name": "远山村网格"}],
                    }
                ],
            }
        ],
    }
]
#: Who calls: every role, in and out of each side's region. ``None`` headers: signed out.
CALLERS = (
    "anonymous",
    "resident_a",
    "family_a",
    "resident_b",
    "resident_c",
    "worker_a",
    "worker_b",
    "worker_c",
    "staff_1",
    "staff_2",
    "admin",
    "admin_x",
)
SLOT_DAY = "2026-11-25"  # a Wednesday, two days after the test clock's Monday
PROXY_SERVICE = "EDU-003"


class World:
    """People (``headers``, ``ids``, ``phones``) and objects (``objects[kind][side]``)."""

    def __init__(self, client: httpx.AsyncClient, clock: TravelClock, settings: Settings, sms: RecordingSms) -> None:
        self.client, self.clock, self.settings, self.sms = client, clock, settings, sms
        self.headers: dict[str, dict[str, str]] = {"anonymous": {}}
        self.ids: dict[str, int] = {}
        self.phones: dict[str, str] = {}
        self.objects: dict[str, dict[str, object]] = {}
        #: Text that belongs to one side only: receipt numbers, titles, names, phones.
        self.secrets: dict[str, set[str]] = {"a": set(), "c": set()}
        self._phone = 13600000000

    async def call(self, method: str, path: str, who: str, **kwargs) -> httpx.Response:
        return await self.client.request(method, API + path, headers=self.headers[who], **kwargs)

    async def ok(self, method: str, path: str, who: str, **kwargs) -> dict:
        response = await self.call(method, path, who, **kwargs)
        assert response.status_code < 300, (method, path, who, response.text)
        return response.json() if response.content else {}

    def put(self, kind: str, side: str, value: object) -> None:
        self.objects.setdefault(kind, {})[side] = value

    async def person(self, name: str, role: str, region: str, flags: tuple[str, ...] = (), phone: str = "") -> None:
        if not phone:
            self._phone += 1
            phone = str(self._phone)
            data = {"phone": phone, "role": role, "region": region, "name": f"{name}姓名", "flags": list(flags)}
            if region.startswith("990101"):
                user_id = (await self.ok("POST", "/users", "admin", json=data))["id"]
            else:  # another county: no admin here may create it
                user_id = (await accounts.create_user(UserCreate(**data))).id
        else:
            user_id = (await accounts.find_by_phone(phone)).id
        self.ids[name], self.phones[name] = user_id, phone
        self.headers[name] = {"Authorization": f"Bearer {await session_token(user_id, self.clock.now())}"}

    async def build(self) -> World:
        await regions.seed(self._other_county_file())
        for role, name in (
            ("resident", "resident_a"),
            ("grid_worker", "worker_a"),
            ("staff", "staff_1"),
            ("admin", "admin"),
        ):
            await self.person(name, role, "", phone=DEMO[role])
        await self.person("admin_x", "admin", "990102")
        await self.person("family_a", "resident", GRID_B)
        await self.person("resident_b", "resident", GRID_B)
        await self.person("resident_c", "resident", GRID_C, flags=("elderly",))
        await self.person("relative_c", "resident", GRID_C)
        await self.person("relative_a", "resident", GRID_A)
        await self.person("relative_c2", "resident", GRID_C)
        await self.person("worker_b", "grid_worker", GRID_B)
        await self.person("worker_c", "grid_worker", GRID_C)
        await self.person("staff_2", "staff", "990101002")
        self.secrets["a"] |= {self.phones["resident_a"], "王秀英"}
        self.secrets["c"] |= {self.phones["resident_c"], "resident_c姓名"}
        await self._links()
        for side, resident, worker, staff, grid in (
            ("a", "resident_a", "worker_a", "staff_1", GRID_A),
            ("c", "resident_c", "worker_c", "staff_2", GRID_C),
        ):
            await self._side(side, resident, worker, staff, grid)
        await self._services()
        self.put("user", "a", self.ids["resident_a"])
        self.put("user", "c", self.ids["resident_c"])
        self.put("region", "a", GRID_A)
        self.put("region", "c", GRID_C)
        self.put("worker_user", "a", self.ids["worker_a"])
        self.put("worker_user", "c", self.ids["worker_c"])
        return self

    def _other_county_file(self) -> Path:
        path = self.settings.data_dir / "other-county.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(OTHER_COUNTY, ensure_ascii=False))
        return path

    async def _links(self) -> None:
        for side, requester, relative in (("a", "family_a", "resident_a"), ("c", "resident_c", "relative_c")):
            link = await self.ok(
                "POST", "/family-links", requester, json={"phone": self.phones[relative], "relation": "子女"}
            )
            await self.ok("POST", f"/family-links/{link['id']}/confirm", relative, json={})
            self.put("link", side, link["id"])
        for side, requester, relative in (("a", "resident_a", "relative_a"), ("c", "resident_c", "relative_c2")):
            link = await self.ok(
                "POST", "/family-links", requester, json={"phone": self.phones[relative], "relation": "邻居"}
            )
            self.put("link_to_revoke", side, link["id"])  # left pending

    async def _side(self, side: str, resident: str, worker: str, staff: str, grid: str) -> None:
        photo = await self.ok("POST", "/media", resident, files={"file": ("a.jpg", jpeg((64, 48)), "image/jpeg")})
        title = f"{side}方的案件标题"
        case = (await submit(self.client, self.headers[resident], region=grid, title=title, media=[photo["id"]])).json()
        self.put("case", side, case["id"])
        # Another signed-in device of the resident's: a session only its owner may end.
        device = {"Authorization": f"Bearer {await session_token(self.ids[resident], self.clock.now())}"}
        sessions = (await self.client.get("/api/v1/me/sessions", headers=device)).json()["items"]
        self.put("session", side, next(session["id"] for session in sessions if session["current"]))
        # A photo's path names its id and its own key (as in its url).
        self.put("media", side, (photo["id"], photo["url"].split("?")[0].rsplit("/", 1)[1]))
        self.secrets[side] |= {case["receipt_no"], title}
        # Taken to a bad rating: a rating, a follow-up, and notifications for the resident.
        rated = (await submit(self.client, self.headers[resident], region=grid, title=f"{side}方的差评案件")).json()
        self.secrets[side] |= {rated["receipt_no"], f"{side}方的差评案件"}
        for who, action, extra in (
            (staff, "accept", {}),
            (staff, "assign", {"assignee_id": self.ids[worker]}),
            (worker, "start", {}),
            (worker, "resolve", {"note": "已办好"}),
        ):
            moved = await move(self.client, self.headers[who], rated["id"], action, **extra)
            assert moved.status_code == 200, moved.text
        rating = await self.ok("POST", f"/cases/{rated['id']}/rating", resident, json={"score": 1, "tags": []})
        await self.ok("POST", f"/ratings/{rating['id']}/flag", staff, json={"reason": "恶意"})
        await self.ok("POST", f"/ratings/{rating['id']}/decision", "admin", json={"uphold": False})
        follow_up = (await self.ok("GET", f"/cases/{rated['id']}/rating", resident))["follow_up"]
        self.put("rated_case", side, rated["id"])
        self.put("rating", side, rating["id"])
        self.put("follow_up", side, follow_up["id"])
        self.put("notification", side, (await self.ok("GET", "/notifications", resident))["items"][0]["id"])
        # Bookings: one to look at and visit, one to cancel; a document handover on the first.
        slot = await self.ok(
            "POST", "/slots", worker, json={"date": SLOT_DAY, "half_day": "am", "kind": "proxy", "capacity": 5}
        )
        self.put("slot", side, slot["id"])
        for kind in ("booking", "booking_to_cancel"):
            booking = await self.ok(
                "POST",
                "/bookings",
                resident,
                json={
                    "slot_id": slot["id"],
                    "kind": "proxy",
                    "service_code": PROXY_SERVICE,
                },
            )
            self.put(kind, side, booking["id"])
            self.secrets[side].add(booking["receipt_no"])
        booking_case = (await self.ok("GET", f"/bookings/{self.objects['booking'][side]}", resident))["case_id"]
        self.put("booking_case", side, booking_case)
        handovers = []
        for _ in range(2):  # the second stays unconfirmed, for the 督办 list
            handover = await self.ok(
                "POST",
                f"/cases/{booking_case}/handovers",
                worker,
                json={
                    "items": [{"name": "户口簿", "count": 1}],
                    "direction": "received",
                },
            )
            handovers.append(handover["id"])
        self.put("handover", side, (booking_case, handovers[0]))
        self.put("unconfirmed_handover", side, (booking_case, handovers[1]))
        # An accepted case with an extension (延期) waiting for the resident's answer.
        extended = (await submit(self.client, self.headers[resident], region=grid, title=f"{side}方的延期案件")).json()
        self.secrets[side] |= {extended["receipt_no"], f"{side}方的延期案件", f"{side}方的延期理由"}
        assert (await move(self.client, self.headers[staff], extended["id"], "accept")).status_code == 200
        extension = await self.ok(
            "POST", f"/cases/{extended['id']}/extensions", staff, json={"days": 2, "reason": f"{side}方的延期理由"}
        )
        self.put("extension", side, (extended["id"], extension["id"]))

    async def _services(self) -> None:
        for side, staff, township in (("a", "staff_1", "990101001"), ("c", "staff_2", "990101002")):
            for kind in ("service", "service_to_retire"):
                code = f"T{side.upper()}-{'901' if kind == 'service' else '902'}"
                entry = {
                    "code": code,
                    "category": "civil_affairs",
                    "name_hans": f"{side}镇的服务{code}",
                    "description_hans": "本镇办理。",
                    "materials_hans": ["居民身份证"],
                    "time_limit_days": 3,
                    "channels": ["door_to_door"],
                    "township": township,
                }
                await self.ok("POST", "/services", staff, json=entry)
                self.put(kind, side, code)
                self.put(f"{kind}_body", side, entry)


@contextlib.asynccontextmanager
async def built_world(tmp: Path, template_url: str) -> AsyncIterator[World]:
    """A running app on a fresh database holding the world (SQLite copy, or truncated PostgreSQL)."""
    if PG_URL:
        url = PG_URL
    else:
        shutil.copy(template_url.removeprefix("sqlite:///"), tmp / "world.sqlite3")
        url = f"sqlite:///{tmp / 'world.sqlite3'}"
    settings = Settings(data_dir=tmp / "data", database_url=url, secret_key=SECRET, pwa_dir=tmp / "no-pwa")
    clock, sms = TravelClock(), RecordingSms()
    async with seeded_client(create_app(settings, sms=sms, clock=clock), settings) as client:
        world = World(client, clock, settings, sms)
        await world.build()
        yield world
