"""Photo writes are all or nothing: when a later write fails, nothing of the earlier ones remains."""

import pytest

from backend.lib.db import write_transaction
from backend.lib.errors import Invalid
from backend.media import _images as images
from backend.media import service as media
from backend.media._storage import from_settings
from backend.media.tables import Media
from tests.api.cases.helpers import user_id
from tests.unit.media.pictures import jpeg

from .helpers import path_of, photo, stored_files


async def _case_of(media_id: int) -> int | None:
    return (await Media.select(Media.case_id).where(Media.id == media_id).first())["case_id"]


async def test_attaching_a_mix_of_own_and_foreign_photos_attaches_none(client, auth):
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    mine, theirs = await photo(client, resident), await photo(client, worker)
    with pytest.raises(Invalid):
        await media.attach(await user_id(client, resident), 77, [mine["id"], theirs["id"]])
    assert await _case_of(mine["id"]) is None


async def test_an_upload_rolls_back_with_the_transaction_it_runs_in(client, auth, clock, settings):
    """As inside ``idempotency.run_once``: the caller's later write fails, the photo's row goes with it."""
    owner = await user_id(client, await auth.role("resident"))
    ctx = media.context(settings, load_user=None, case_visible=None)
    image = images.process(jpeg((640, 480)))
    before = await Media.count()

    class LaterWriteFailed(Exception):
        pass

    async def upload_then_fail() -> None:
        async with write_transaction(Media):
            await media.create(owner, image, clock.now(), ctx)
            raise LaterWriteFailed

    with pytest.raises(LaterWriteFailed):
        await upload_then_fail()
    assert await Media.count() == before


async def test_a_stale_upload_whose_file_cannot_be_deleted_is_kept(client, auth, clock, settings, monkeypatch):
    resident = await auth.role("resident")
    abandoned = await photo(client, resident)
    storage = from_settings(settings)

    async def failing_delete(_key: str) -> None:
        raise OSError("read-only file system")

    monkeypatch.setattr(storage, "delete", failing_delete)
    clock.travel(days=2)
    with pytest.raises(OSError, match="read-only file system"):
        await media.remove_unattached(clock.now(), storage)
    assert await Media.exists().where(Media.id == abandoned["id"])
    assert len(stored_files(settings)) == 2
    assert (await client.get(path_of(abandoned), headers=resident)).status_code == 200
