"""What any handler can ask for by name: ``now`` from the app's clock, ``tz``, and ``actor``."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from litestar import get
from litestar.di import NamedDependency

from backend.accounts import service as accounts
from backend.app import create_app
from backend.lib.auth import CurrentUser
from tests.conftest import DEMO, Auth, seeded_client


@get("/probe", sync_to_thread=False)
def probe(
    now: NamedDependency[datetime], tz: NamedDependency[ZoneInfo], actor: NamedDependency[CurrentUser]
) -> dict[str, object]:
    return {"now": now.isoformat(), "tz": tz.key, "actor": actor.id}


async def test_handlers_get_the_clock_instant_the_timezone_and_the_signed_in_user(settings, sms, clock):
    app = create_app(settings, sms=sms, clock=clock)
    app.register(probe)
    async with seeded_client(app, settings) as client:
        resident = await accounts.find_by_phone(DEMO["resident"])
        headers = await Auth(settings, clock).role("resident")
        first = (await client.get("/probe", headers=headers)).json()
        clock.current += timedelta(hours=1)
        second = (await client.get("/probe", headers=headers)).json()
        anonymous = await client.get("/probe")
    assert datetime.fromisoformat(second["now"]) - datetime.fromisoformat(first["now"]) == timedelta(hours=1)
    assert (first["tz"], first["actor"]) == ("Asia/Shanghai", resident.id)
    assert anonymous.status_code == 401
