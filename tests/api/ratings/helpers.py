from tests.api.cases.helpers import move, submit, user_id


async def resolved_case(client, auth, **fields) -> dict:
    """A case taken through to resolved by the demo staff and grid worker."""
    resident, staff, worker = await auth.role("resident"), await auth.role("staff"), await auth.role("grid_worker")
    case = (await submit(client, resident, **fields)).json()
    await move(client, staff, case["id"], "accept")
    await move(client, staff, case["id"], "assign", assignee_id=await user_id(client, worker))
    await move(client, worker, case["id"], "start")
    resolved = await move(client, worker, case["id"], "resolve", note="已办好")
    assert resolved.status_code == 200, resolved.text
    return resolved.json()


async def rate(client, headers, case_id, key=None, **body):
    extra = {"Idempotency-Key": key} if key else {}
    return await client.post(f"/api/v1/cases/{case_id}/rating", json=body, headers={**headers, **extra})
