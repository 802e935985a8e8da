"""A short, seeded Schemathesis run over every operation of ``/schema/openapi.json``,
as each role and anonymously, on whichever database the suite runs on.

The long run is ``tools/fuzz.py``; both use ``tests/fuzz/harness.py``.
"""

from __future__ import annotations

from tests.conftest import DEMO
from tests.fuzz import harness

#: Cases per operation that fit the schema (three per role) and that do not.
POSITIVE, NEGATIVE = 15, 10
SEED = 12


async def test_every_operation_survives_fuzzing_by_every_role(client, auth):
    headers = {"anonymous": {}} | {role: await auth.role(role) for role in DEMO}
    raw = (await client.get("/schema/openapi.json")).json()
    schema = harness.load(raw)
    ids = await harness.objects(client, headers)
    cases = harness.plan(schema, positive=POSITIVE, negative=NEGATIVE, seed=SEED)

    report = await harness.run(client, cases, headers, ids)

    print(report.summary())
    assert len(harness.operations(schema)) > 50
    assert report.operations == {operation.label for operation in harness.operations(schema)}
    assert report.server_errors == 0, "\n\n".join(report.failures.values())
    assert not report.failures, f"{len(report.failures)} failures:\n\n" + "\n\n".join(report.failures.values())
