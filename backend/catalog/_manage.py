"""Changing the catalog: staff for their township's entries, admins for their county's.

Every entry belongs to one county (``county``): an admin manages, lists and exports
their own county's entries (county-wide and its townships'), and another county's
entries do not exist for them (404), retired ones included. An entry is never
deleted (cases keep referring to its code); it is retired by ``active = false``.
Imports apply every valid row in one transaction, or nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

from backend.catalog import _entries as service
from backend.catalog.structs import ImportReport, ImportRow, ImportRowReport, ServiceRecord, ServiceWrite
from backend.catalog.tables import Service as Row
from backend.lib.audit import audit
from backend.lib.auth import CODE_LENGTH, CurrentUser
from backend.lib.db import is_unique_violation, write_transaction
from backend.lib.errors import AppError, Conflict, Invalid, NotFound
from backend.lib.i18n import Texts
from backend.regions import service as regions

COUNTY_DIGITS = CODE_LENGTH["county"]


def _own_township(actor: CurrentUser) -> str | None:
    code = actor.region_code or ""
    return code[: CODE_LENGTH["township"]] if actor.role == "staff" and len(code) >= 9 else None


def _own_county(actor: CurrentUser) -> str | None:
    """The county whose catalog the actor works on (staff: their township's)."""
    code = actor.region_code or ""
    return code[:COUNTY_DIGITS] if actor.role in ("staff", "admin") and len(code) >= COUNTY_DIGITS else None


def _in_county(actor: CurrentUser, county: str) -> bool:
    """Whether an entry of ``county`` exists for the actor at all (others' answer 404)."""
    return bool(county) and county == _own_county(actor)


def _may_edit(actor: CurrentUser, township: str | None, county: str) -> bool:
    """Staff edit their own township's entries; admins any entry of their own county."""
    if not _in_county(actor, county):
        return False
    if actor.role == "admin":
        return township is None or actor.scope.covers(township)
    return actor.role == "staff" and township is not None and township == _own_township(actor)


async def _placement(actor: CurrentUser, data: ServiceWrite) -> tuple[str | None, int | None, str]:
    """The township (staff default to their own) and county an entry belongs to, checked."""
    township = data.township if data.township is not None else _own_township(actor)
    county = township[:COUNTY_DIGITS] if township is not None else (_own_county(actor) or "")
    if not _may_edit(actor, township, county):
        raise AppError(403, "auth.forbidden")
    if township is None:
        return None, None, county
    region_id = await regions.id_for_code(township)
    if region_id is None or regions.level_of(township) != "township":
        raise Invalid("catalog.township_invalid", field="township")
    return township, region_id, county


async def _record(code: str) -> ServiceRecord:
    row = await service.get_row(code)
    if row is None:
        raise NotFound()
    return service.to_record(row)


async def create(actor: CurrentUser, data: ServiceWrite, now: datetime) -> ServiceRecord:
    """Add an entry, and its audit row, in one transaction; 409 when the code is taken."""
    _, township_id, county = await _placement(actor, data)
    values = {
        column._meta.name: value for column, value in service.column_values(data, township_id, county, now).items()
    }
    try:
        async with write_transaction(Row):
            if await Row.exists().where(Row.code == data.code):
                raise Conflict("catalog.code_taken", code=data.code)
            await Row.insert(Row(**values, created_at=now))
            await audit(actor.id, "service.create", "service", data.code, at=now)
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict("catalog.code_taken", code=data.code) from None
        raise
    return await _record(data.code)


async def _editable_row(actor: CurrentUser, code: str) -> dict[str, Any]:
    row = await service.get_row(code)
    # Another county's entry, and another township's, do not exist for this clerk (404,
    # like any object out of scope); their own county-wide one they may read but not change (403).
    township = row["township.code"] if row is not None else None
    if row is None or not _in_county(actor, row["county"]) or (township and not actor.scope.covers(township)):
        raise NotFound()
    if not _may_edit(actor, township, row["county"]):
        raise AppError(403, "auth.forbidden")
    return row


async def replace(actor: CurrentUser, code: str, data: ServiceWrite, now: datetime) -> ServiceRecord:
    """Replace an entry; its code is its identity and cannot change."""
    if data.code != code.upper():
        raise Invalid("catalog.code_immutable", field="code")
    await _editable_row(actor, code)
    _, township_id, county = await _placement(actor, data)
    async with write_transaction(Row):
        await Row.update(service.column_values(data, township_id, county, now)).where(Row.code == data.code)
        await audit(actor.id, "service.update", "service", data.code, at=now)
    return await _record(data.code)


async def retire(actor: CurrentUser, code: str, now: datetime) -> ServiceRecord:
    """Take an entry out of the public catalog (``active = false``); cases keep its code."""
    row = await _editable_row(actor, code)
    async with write_transaction(Row):
        await Row.update({Row.active: False, Row.updated_at: now}).where(Row.code == row["code"])
        await audit(actor.id, "service.retire", "service", row["code"], at=now)
    return await _record(row["code"])


async def records(actor: CurrentUser) -> list[ServiceRecord]:
    """Every entry the actor may edit, retired ones included, in both scripts: an admin's
    county's (county-wide and its townships'), a clerk's township's."""
    query = Row.select(*service.COLUMNS).where(Row.county == (_own_county(actor) or "-")).order_by(Row.code)
    if actor.role == "staff":
        query = query.where(Row.township.code == (_own_township(actor) or "-"))
    return [service.to_record(row) for row in await query]


def _same(
    row: dict[str, Any], data: ServiceWrite, township_id: int | None, township: str | None, now: datetime
) -> bool:
    current = msgspec.structs.asdict(service.to_record(row))
    values = service.column_values(data, township_id, row["county"], now)
    incoming = {column._meta.name: value for column, value in values.items()}
    for name in ("target_groups_hans", "target_groups_hant", "materials_hans", "materials_hant"):
        incoming[name] = msgspec.json.decode(incoming[name])
    incoming["channels"] = [c for c in ("online", "door_to_door", "proxy") if incoming.pop(c)]
    incoming["township"] = township
    return all(current[key] == incoming[key] for key in current if key != "updated_at")


#: What importing a valid row does to its entry.
_Change = Literal["created", "updated", "unchanged"]


async def import_rows(
    actor: CurrentUser, rows: list[ImportRow], dry_run: bool, texts: Texts, now: datetime
) -> ImportReport:
    """Check every row, then (unless ``dry_run``) apply all valid rows in one transaction, as of ``now``.

    A row is rejected for what the sheet says (bad values, found by the reader) or for
    what the actor may not do (another township's entry). Nothing is written when the
    transaction fails.
    """
    reports: list[ImportRowReport] = []
    planned: list[tuple[_Change, ServiceWrite, int | None, str]] = []
    for row in rows:
        error, params = row.error, dict(row.params)
        kind: _Change | None = None
        if error is None and row.data is not None:
            try:
                township, township_id, county = await _placement(actor, row.data)
                existing = await service.get_row(row.data.code)
                if existing is not None and not _in_county(actor, existing["county"]):
                    # Codes are unique everywhere: another county's entry is a taken code, as on create.
                    raise Conflict("catalog.code_taken", code=row.data.code)
                if existing is not None and not _may_edit(actor, existing["township.code"], existing["county"]):
                    raise AppError(403, "auth.forbidden")
                if existing is None:
                    kind = "created"
                elif _same(existing, row.data, township_id, township, now):
                    kind = "unchanged"
                else:
                    kind = "updated"
                planned.append((kind, row.data, township_id, county))
            except AppError as exc:
                error, params = exc.key, {k: str(v) for k, v in exc.params.items()}
        if kind is None:
            key = error or "catalog.import.invalid_row"
            reports.append(
                ImportRowReport(
                    line=row.line,
                    code=row.code,
                    status="rejected",
                    error=key,
                    message=texts.t(actor.locale, f"error.{key}", **params),
                )
            )
        else:
            reports.append(ImportRowReport(line=row.line, code=row.code, status=kind))
    applied = False
    if not dry_run and any(kind != "unchanged" for kind, _, _, _ in planned):
        async with write_transaction(Row):
            for kind, data, township_id, county in planned:
                values = service.column_values(data, township_id, county, now)
                if kind == "created":
                    named = {column._meta.name: value for column, value in values.items()}
                    await Row.insert(Row(**named, created_at=now))
                elif kind == "updated":
                    await Row.update(values).where(Row.code == data.code)
            counts = {k: sum(1 for r in reports if r.status == k) for k in ("created", "updated", "rejected")}
            await audit(actor.id, "service.import", "service", "*", counts, at=now)
        applied = True
    return ImportReport(
        dry_run=dry_run,
        applied=applied,
        created=sum(1 for r in reports if r.status == "created"),
        updated=sum(1 for r in reports if r.status == "updated"),
        unchanged=sum(1 for r in reports if r.status == "unchanged"),
        rejected=sum(1 for r in reports if r.status == "rejected"),
        rows=reports,
    )
