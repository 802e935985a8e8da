"""Every write to the region tree is one transaction: when a later write fails, nothing of
the earlier ones stays."""

from __future__ import annotations

import msgspec
import pytest

from backend.accounts import service as accounts
from backend.accounts.tables import Audit
from backend.regions import _manage
from backend.regions import service as regions
from backend.regions.structs import RegionCreate, RegionUpdate
from backend.regions.tables import Region
from tests.conftest import DEMO


class WriteFailed(Exception):
    """Stands in for a database error on the write under test."""


async def _fail(*args, **kwargs):
    raise WriteFailed


async def _admin():
    return await accounts.load_current_user((await accounts.find_by_phone(DEMO["admin"])).id)


async def test_a_region_whose_audit_row_fails_is_not_added(client, clock, monkeypatch):
    admin = await _admin()
    monkeypatch.setattr(_manage, "audit", _fail)
    data = RegionCreate(parent="990101", code="990101009", level="township", name_hans="新镇", name_hant="新鎮")
    with pytest.raises(WriteFailed):
        await _manage.create(admin, data, clock.now())
    assert not await Region.exists().where(Region.code == "990101009")
    assert not await Audit.exists().where(Audit.action == "region.create")


async def test_a_rename_whose_audit_row_fails_keeps_the_old_name(client, clock, monkeypatch):
    admin = await _admin()
    before = await Region.select(Region.name_hans, Region.name_hant).where(Region.code == "990101001").first()
    monkeypatch.setattr(_manage, "audit", _fail)
    with pytest.raises(WriteFailed):
        await _manage.rename(admin, "990101001", RegionUpdate(name_hans="改名镇", name_hant="改名鎮"), clock.now())
    after = await Region.select(Region.name_hans, Region.name_hant).where(Region.code == "990101001").first()
    assert after == before
    assert not await Audit.exists().where(Audit.action == "region.rename")


async def test_a_seed_file_that_fails_part_way_adds_no_region(client, tmp_path):
    # The county and its township are inserted before the malformed village is reached.
    tree = [{"code": "770101", "name": "试县", "children": [{"code": "770101001", "name": "试镇", "children": [
        {"code": "7701010010", "name": "坏村"}
    ]}]}]  # fmt: skip
    path = tmp_path / "regions.json"
    path.write_bytes(msgspec.json.encode(tree))
    with pytest.raises(ValueError, match="does not fit under"):
        await regions.seed(path)
    assert not await Region.exists().where(Region.code.like("770101%"))
