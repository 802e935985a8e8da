"""Uploads never attached to a case go after a day; attached ones stay."""

import pytest

from backend.media._storage import from_settings
from backend.media.jobs import remove_stale
from tests.api.cases.helpers import submit
from tests.unit.media.pictures import jpeg
from tests.waiting import eventually

from .helpers import path_of, photo, stored_files


async def test_stale_unattached_uploads_are_removed_and_attached_ones_kept(client, auth, clock, settings):
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    shared = jpeg((640, 480))
    abandoned = await photo(client, resident, shared)
    attached = await photo(client, resident)
    await submit(client, resident, media=[attached["id"]])
    clock.travel(hours=23)
    assert await remove_stale(clock.now(), from_settings(settings)) == 0
    clock.travel(hours=2)
    again = await photo(client, worker, shared)  # the same photo, uploaded by someone else just now
    assert await remove_stale(clock.now(), from_settings(settings)) == 1
    assert (await client.get(path_of(abandoned), headers=resident)).status_code == 404
    assert (await client.get(path_of(attached), headers=resident)).status_code == 200
    assert (await client.get(path_of(again), headers=worker)).status_code == 200  # its file stays
    clock.travel(days=2)
    assert await remove_stale(clock.now(), from_settings(settings)) == 1
    assert (await client.get(f"{path_of(attached)}/thumb", headers=resident)).status_code == 200
    assert len(stored_files(settings)) == 2  # only the attached photo and its thumbnail are left


@pytest.mark.parametrize("settings", [{"timers_in_process": True, "timer_interval_seconds": 1}], indirect=True)
async def test_single_process_server_removes_stale_uploads_itself(client, auth, clock, settings):
    resident = await auth.role("resident")
    abandoned = await photo(client, resident)
    clock.travel(days=2)
    # The timer runs every second on its own task: wait for it, but not forever.
    await eventually(lambda: not stored_files(settings), timeout=6, what="removal of the stale upload")
    assert stored_files(settings) == set()
    assert (await client.get(path_of(abandoned), headers=resident)).status_code == 404
