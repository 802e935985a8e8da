"""Every catalog change is all or nothing: when a later write fails, the earlier ones are gone too."""

import pytest

from backend.accounts.tables import Audit
from backend.catalog import _manage as catalog_manage
from backend.catalog.tables import Service
from tests.unit.catalog.messy import messy_township_xlsx

from .test_import import _import
from .test_services import _entry


async def _broken_audit(*_args, **_kwargs):
    raise RuntimeError("disk full")


async def _stored(code: str) -> dict | None:
    return await Service.select(Service.code, Service.name_hans, Service.active).where(Service.code == code).first()


async def _audited(action: str) -> int:
    return await Audit.count().where(Audit.action == action)


@pytest.fixture
def audit_fails(monkeypatch):
    """The audit row, each change's last write, cannot be written."""
    monkeypatch.setattr(catalog_manage, "audit", _broken_audit)


async def test_a_created_entry_is_gone_when_its_audit_row_fails(client, auth, audit_fails):
    response = await client.post("/api/v1/services", json=_entry(), headers=await auth.role("staff"))
    assert response.status_code == 500
    assert await _stored("QH-001") is None


async def test_a_replaced_entry_keeps_its_old_text_when_its_audit_row_fails(client, auth, monkeypatch):
    staff = await auth.role("staff")
    assert (await client.post("/api/v1/services", json=_entry(), headers=staff)).status_code == 201
    monkeypatch.setattr(catalog_manage, "audit", _broken_audit)
    response = await client.put("/api/v1/services/QH-001", json=_entry(name_hans="改过的名字"), headers=staff)
    assert response.status_code == 500
    assert (await _stored("QH-001"))["name_hans"] == "清河镇老年食堂就餐登记"
    assert await _audited("service.update") == 0


async def test_a_retired_entry_stays_active_when_its_audit_row_fails(client, auth, audit_fails):
    response = await client.delete("/api/v1/services/AST-001", headers=await auth.role("admin"))
    assert response.status_code == 500
    assert (await _stored("AST-001"))["active"] in (True, 1)
    assert (await client.get("/api/v1/services/AST-001")).status_code == 200


async def test_an_import_failing_on_its_second_new_entry_keeps_not_even_the_first(client, auth, monkeypatch):
    inserted = []
    original = Service.insert

    def insert_failing_the_second(*rows, **kwargs):
        inserted.append(rows)
        if len(inserted) == 2:
            raise RuntimeError("disk full")
        return original(*rows, **kwargs)

    monkeypatch.setattr(Service, "insert", insert_failing_the_second)
    response = await _import(client, await auth.role("staff"), messy_township_xlsx())
    assert response.status_code == 500
    assert len(inserted) == 2
    for code in ("EDU-101", "EDU-102", "HLT-302"):
        assert await _stored(code) is None, code
    assert await _audited("service.import") == 0
