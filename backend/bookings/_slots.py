"""Grid workers' capacity: slots, the weekly pattern that generates them, and leave.

``booked`` only ever changes through conditional UPDATEs (``booked < capacity``),
so no interleaving of requests can overbook a slot, on either database.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import msgspec

from backend.accounts import service as accounts
from backend.bookings.structs import HalfDay, Kind, Pattern, PatternItem, Slot, SlotCreate, SlotPage, SlotUpdate
from backend.bookings.tables import Booking, WeeklyPattern, WorkerProfile
from backend.bookings.tables import Slot as SlotRow
from backend.cases import service as cases
from backend.lib.auth import CurrentUser, Scope
from backend.lib.db import is_unique_violation, write_transaction
from backend.lib.errors import AppError, Conflict, Invalid, NotFound
from backend.lib.i18n import Locale, script_of, to_script
from backend.lib.pages import Page
from backend.notifications import service as notifications

#: How far ahead the weekly pattern is turned into slots.
HORIZON_DAYS = 14

COLUMNS = (
    SlotRow.id,
    SlotRow.worker.id,
    SlotRow.worker.name,
    SlotRow.worker.name_script,
    SlotRow.grid_code,
    SlotRow.day,
    SlotRow.half_day,
    SlotRow.kind,
    SlotRow.capacity,
    SlotRow.booked,
    SlotRow.status,
)


class SlotRecord(msgspec.Struct, kw_only=True):
    """A slot as stored, with its worker's name: ``msgspec.convert`` of a ``COLUMNS`` row."""

    id: int
    worker_id: int = msgspec.field(name="worker.id")
    worker_name: str = msgspec.field(name="worker.name")
    grid_code: str
    day: date
    half_day: HalfDay
    kind: Kind
    capacity: int
    booked: int
    status: str
    #: The script the worker's name was typed in (None: before it was recorded).
    worker_name_script: str | None = msgspec.field(name="worker.name_script", default=None)


def record(row: dict[str, Any]) -> SlotRecord:
    return msgspec.convert(row, SlotRecord, strict=False)


def view(slot: SlotRecord, locale: Locale) -> Slot:
    return Slot(
        id=slot.id,
        worker_id=slot.worker_id,
        worker_name=to_script(slot.worker_name, locale, script_of(slot.worker_name_script)),
        grid=slot.grid_code,
        date=slot.day,
        half_day=slot.half_day,
        kind=slot.kind,
        capacity=slot.capacity,
        booked=slot.booked,
        free=max(0, slot.capacity - slot.booked),
        status=slot.status,
    )


def key(worker_id: int, day: date, half_day: str, kind: str) -> str:
    return f"{worker_id}:{day.isoformat()}:{half_day}:{kind}"


async def _worker(actor: CurrentUser, worker_id: int | None) -> CurrentUser:
    """The grid worker a slot belongs to: oneself, or (for staff) a worker in their township."""
    if actor.role == "grid_worker" and worker_id in (None, actor.id):
        return actor
    if actor.role in ("staff", "admin") and worker_id is not None:
        worker = await accounts.load_current_user(worker_id)
        if worker is not None and worker.role == "grid_worker" and actor.scope.covers(worker.region_code):
            return worker
    raise Invalid("booking.worker_invalid", field="worker_id")


async def _get_record(slot_id: int) -> SlotRecord | None:
    row = await SlotRow.select(*COLUMNS).where(SlotRow.id == slot_id).first()
    return record(row) if row is not None else None


async def get(slot_id: int, locale: Locale) -> Slot:
    slot = await _get_record(slot_id)
    if slot is None:
        raise NotFound()
    return view(slot, locale)


async def publish(actor: CurrentUser, data: SlotCreate, today: date) -> Slot:
    worker = await _worker(actor, data.worker_id)
    grid = data.grid or worker.region_code or ""
    if not Scope.for_user(worker).covers(grid) or len(grid) != 15:
        raise Invalid("booking.grid_invalid", field="grid")
    if data.date < today:
        raise Invalid("booking.date_past", field="date")
    row = SlotRow(
        worker=worker.id,
        grid_code=grid,
        day=data.date,
        half_day=data.half_day,
        kind=data.kind,
        capacity=data.capacity,
        slot_key=key(worker.id, data.date, data.half_day, data.kind),
    )
    try:
        async with write_transaction(SlotRow):
            await row.save()
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict("booking.slot_exists") from None
        raise
    return await get(row.id, actor.locale)


async def _editable(actor: CurrentUser, slot_id: int) -> SlotRecord:
    slot = await _get_record(slot_id)
    if slot is None or not (
        slot.worker_id == actor.id or (actor.role in ("staff", "admin") and actor.scope.covers(slot.grid_code))
    ):
        raise NotFound()
    return slot


async def change(actor: CurrentUser, slot_id: int, data: SlotUpdate, now: datetime) -> Slot:
    async with write_transaction(SlotRow):
        slot = await _editable(actor, slot_id)
        if data.capacity is not msgspec.UNSET:
            changed = (
                await SlotRow.update({SlotRow.capacity: data.capacity})
                .where((SlotRow.id == slot_id) & (SlotRow.booked <= data.capacity))
                .returning(SlotRow.id)
            )
            if not changed:
                raise Conflict("booking.capacity_below_booked", booked=slot.booked)
        if data.status == "closed" and slot.status == "open":
            await SlotRow.update({SlotRow.status: "closed", SlotRow.closed_reason: data.reason.strip()}).where(
                SlotRow.id == slot_id
            )
            await _move_to_backup(actor, slot, now)
        elif data.status == "open":
            await SlotRow.update({SlotRow.status: "open"}).where(SlotRow.id == slot_id)
    return await get(slot_id, actor.locale)


async def _move_to_backup(actor: CurrentUser, slot: SlotRecord, now: datetime) -> None:
    """On leave: every booking goes to the backup's slot for the same half-day, or to staff."""
    bookings = await Booking.select(Booking.id, Booking.case_id, Booking.resident).where(
        (Booking.slot == slot.id) & Booking.status.is_in(["booked"])
    )
    if not bookings:
        return
    profile = await WorkerProfile.select(WorkerProfile.backup).where(WorkerProfile.worker == slot.worker_id).first()
    backup: int | None = profile["backup"] if profile else None
    target = await _backup_slot(backup, slot, len(bookings)) if backup else None
    for booking in bookings:
        if target is not None:
            await Booking.update({Booking.slot: target}).where(Booking.id == booking["id"])
            await cases.add_event(
                booking["case_id"],
                now,
                actor.id,
                "booking_moved",
                None,
                None,
                slot.worker_name,
                script=script_of(slot.worker_name_script),
            )
            await notifications.notify(
                booking["resident"],
                "booking.moved",
                now,
                booking["case_id"],
                receipt_no=await cases.receipt_no(booking["case_id"]),
            )
        else:
            await Booking.update({Booking.status: "needs_slot"}).where(Booking.id == booking["id"])
            await cases.add_event(booking["case_id"], now, actor.id, "booking_needs_slot", None, None, "")
    await SlotRow.update({SlotRow.booked: 0}).where(SlotRow.id == slot.id)
    if backup and target is not None:  # a target slot is made only for a backup
        await notifications.notify(backup, "booking.covering", now, None, count=len(bookings))


async def _backup_slot(backup: int, slot: SlotRecord, places: int) -> int:
    """The backup's slot for the half-day, made or widened so the moved bookings fit."""
    slot_key = key(backup, slot.day, slot.half_day, slot.kind)
    existing = await SlotRow.select(SlotRow.id).where(SlotRow.slot_key == slot_key).first()
    if existing is None:
        row = SlotRow(
            worker=backup,
            grid_code=slot.grid_code,
            day=slot.day,
            half_day=slot.half_day,
            kind=slot.kind,
            capacity=places,
            booked=places,
            slot_key=slot_key,
        )
        await row.save()
        return row.id
    await SlotRow.update(
        {SlotRow.capacity: SlotRow.capacity + places, SlotRow.booked: SlotRow.booked + places, SlotRow.status: "open"}
    ).where(SlotRow.id == existing["id"])
    return existing["id"]


async def free_slots(actor: CurrentUser, grid: str | None, kind: str | None, start: date, end: date) -> SlotPage:
    """Open slots with room, for a grid (default: the reader's own)."""
    grid = grid or (actor.region_code if actor.region_code and len(actor.region_code) >= 12 else None)
    query = (
        SlotRow.select(*COLUMNS)
        .where(
            (SlotRow.status == "open")
            & (SlotRow.booked < SlotRow.capacity)
            & (SlotRow.day >= start)
            & (SlotRow.day <= end)
        )
        .order_by(SlotRow.day)
        .order_by(SlotRow.half_day)
        .limit(200)
    )
    if grid is not None:
        query = query.where(SlotRow.grid_code.like(f"{grid}%"))
    if kind is not None:
        query = query.where(SlotRow.kind == kind)
    return Page(items=[view(record(row), actor.locale) for row in await query])


async def my_slots(actor: CurrentUser, start: date, end: date) -> SlotPage:
    """A grid worker's own slots in a period, open or closed, full or not: their week at a glance."""
    rows = (
        await SlotRow.select(*COLUMNS)
        .where((SlotRow.worker == actor.id) & (SlotRow.day >= start) & (SlotRow.day <= end))
        .order_by(SlotRow.day)
        .order_by(SlotRow.half_day)
        .limit(200)
    )
    return Page(items=[view(record(row), actor.locale) for row in rows])


async def set_pattern(actor: CurrentUser, data: Pattern, today: date) -> Pattern:
    """Replace the worker's weekly pattern (and backup), then fill the next two weeks."""
    if actor.role != "grid_worker":
        raise AppError(403, "auth.forbidden")
    if data.backup_id is not None:
        backup = await accounts.load_current_user(data.backup_id)
        if (
            backup is None
            or backup.role != "grid_worker"
            or backup.id == actor.id
            or ((backup.region_code or "")[:9] != (actor.region_code or "")[:9])
        ):
            raise Invalid("booking.backup_invalid", field="backup_id")
    async with write_transaction(WeeklyPattern):
        await WeeklyPattern.delete().where(WeeklyPattern.worker == actor.id)
        if data.items:
            await WeeklyPattern.insert(
                *(
                    WeeklyPattern(
                        worker=actor.id, weekday=i.weekday, half_day=i.half_day, kind=i.kind, capacity=i.capacity
                    )
                    for i in data.items
                )
            )
        await WorkerProfile.delete().where(WorkerProfile.worker == actor.id)
        await WorkerProfile.insert(WorkerProfile(worker=actor.id, backup=data.backup_id))
    await generate(today, worker_id=actor.id)
    return data


async def generate(today: date, worker_id: int | None = None, days: int = HORIZON_DAYS) -> int:
    """Make the slots the weekly patterns promise on working days ahead; existing ones stay."""
    query = WeeklyPattern.select(
        WeeklyPattern.worker,
        WeeklyPattern.weekday,
        WeeklyPattern.half_day,
        WeeklyPattern.kind,
        WeeklyPattern.capacity,
        WeeklyPattern.worker._.region.code,
    )
    if worker_id is not None:
        query = query.where(WeeklyPattern.worker == worker_id)
    patterns = await query
    # Each county keeps its own days off: a worker's slots follow the calendar of their grid's county.
    calendars = {
        code: await cases.calendar(code) for code in {cases.county_of(p["worker.region.code"]) for p in patterns}
    }
    made = 0
    for offset in range(1, days + 1):
        day = today + timedelta(days=offset)
        for item in patterns:
            if item["weekday"] != day.weekday() or not item["worker.region.code"]:
                continue
            if not calendars[cases.county_of(item["worker.region.code"])].is_workday(day):
                continue
            slot_key = key(item["worker"], day, item["half_day"], item["kind"])
            if await SlotRow.exists().where(SlotRow.slot_key == slot_key):
                continue
            try:
                await SlotRow.insert(
                    SlotRow(
                        worker=item["worker"],
                        grid_code=item["worker.region.code"],
                        day=day,
                        half_day=item["half_day"],
                        kind=item["kind"],
                        capacity=item["capacity"],
                        slot_key=slot_key,
                    )
                )
                made += 1
            except Exception as exc:
                if not is_unique_violation(exc):  # another runner made it first
                    raise
    return made


async def pattern_of(actor: CurrentUser) -> Pattern:
    rows = await WeeklyPattern.select().where(WeeklyPattern.worker == actor.id).order_by(WeeklyPattern.weekday)
    profile = await WorkerProfile.select(WorkerProfile.backup).where(WorkerProfile.worker == actor.id).first()
    return Pattern(
        items=[
            PatternItem(weekday=r["weekday"], half_day=r["half_day"], kind=r["kind"], capacity=r["capacity"])
            for r in rows
        ],
        backup_id=profile["backup"] if profile else None,
    )
