"""The long Schemathesis run: every operation of ``/schema/openapi.json``, as each role
and anonymously, many cases each (the short run in ``make test`` is
``tests/fuzz/test_openapi_fuzz.py``; both use ``tests/fuzz/harness.py``).

    .venv/bin/python tools/fuzz.py --examples 100            # fresh SQLite file
    .venv/bin/python tools/fuzz.py --examples 100 --seed 7 \\
        --database-url postgres://postgres@127.0.0.1:5432/bianmin_fuzz   # dropped and made anew

``--examples N`` cases per operation fit the schema and N more do not (``--negative``
changes the second number). The app runs in this process on a database of its own,
with the demo regions, catalog and users and one object of each kind; nothing is
sent over the network. It prints the operations exercised, the cases run, the 5xx
found and each distinct failure with a way to repeat it, and exits 1 on any failure.
The same seed draws the same cases.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.accounts import service as accounts
from backend.app import create_app
from backend.catalog import service as catalog_service
from backend.lib.crypto import FieldCipher
from backend.lib.db import close_engine, migrate, open_engine
from backend.regions import service as regions
from backend.settings import Settings
from tests.conftest import DEMO, SECRET, RecordingSms, TravelClock, _recreate_pg_database, running, session_token
from tests.fuzz import harness


async def fuzz(database_url: str, data_dir: Path, positive: int, negative: int, seed: int) -> harness.Report:
    if database_url.startswith("postgres"):
        await _recreate_pg_database(database_url)
    database_url = database_url or f"sqlite:///{data_dir / 'fuzz.sqlite3'}"
    engine = await open_engine(database_url)
    try:
        await migrate()
    finally:
        await close_engine(engine)
    settings = Settings(data_dir=data_dir, database_url=database_url, secret_key=SECRET, pwa_dir=data_dir / "no-pwa")
    clock = TravelClock()
    app = create_app(settings, sms=RecordingSms(), clock=clock)
    async with running(app):
        await regions.seed()
        await catalog_service.seed()
        await accounts.seed_demo_users(FieldCipher(SECRET))
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
        headers: dict[str, dict[str, str]] = {"anonymous": {}}
        for role, phone in DEMO.items():
            user = await accounts.find_by_phone(phone)
            assert user is not None, phone
            token = await session_token(user.id, clock.now())
            headers[role] = {"Authorization": f"Bearer {token}"}
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            schema = harness.load((await client.get("/schema/openapi.json")).json())
            ids = await harness.objects(client, headers)
            print(f"drawing {positive} + {negative} cases for each of {len(harness.operations(schema))} operations …")
            cases = harness.plan(schema, positive=positive, negative=negative, seed=seed)
            print(f"sending {len(cases)} cases …")
            return await harness.run(client, cases, headers, ids)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100, help="cases per operation that fit the schema")
    parser.add_argument(
        "--negative", type=int, default=None, help="cases per operation that do not (default: --examples)"
    )
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL database to drop and fill (default: a temporary SQLite file)"
    )
    args = parser.parse_args()
    negative = args.examples if args.negative is None else args.negative
    with tempfile.TemporaryDirectory(prefix="bianmin-fuzz-") as tmp:
        report = asyncio.run(fuzz(args.database_url, Path(tmp), args.examples, negative, args.seed))
    for failure in report.failures.values():
        print(f"\n{failure}")
    print(f"\n{report.summary()}")
    return 1 if report.failures or report.server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
