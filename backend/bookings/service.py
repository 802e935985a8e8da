"""Booking a door-to-door visit or proxy service, and recording what happens on it.

A booking takes a place in a slot (a conditional UPDATE, so capacity holds under any
concurrency) and registers its case (kind visit or proxy) in one transaction.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import msgspec
from piccolo.columns.combination import WhereRaw

from backend.accounts import service as accounts
from backend.bookings import _slots as slots
from backend.bookings.structs import (
    VISIT_STEPS,
    Booking,
    BookingCreate,
    BookingPage,
    Handover,
    HandoverCreate,
    HandoverItem,
    HandoverPage,
    Kind,
    OverrideCreate,
    VisitNote,
)
from backend.bookings.tables import Booking as Row
from backend.bookings.tables import EligibilityOverride
from backend.bookings.tables import Handover as HandoverRow
from backend.bookings.tables import Slot as SlotRow
from backend.cases import service as cases
from backend.cases.service import Context
from backend.cases.structs import CaseCreate
from backend.catalog import service as catalog
from backend.lib.audit import audit
from backend.lib.auth import CurrentUser
from backend.lib.db import existing, json_list, write_transaction
from backend.lib.errors import AppError, Conflict, Invalid, NotFound
from backend.lib.i18n import Locale, script_of, to_script
from backend.lib.pages import Page, paginate
from backend.lib.privacy import redact_id_numbers
from backend.media import service as media
from backend.notifications import service as notifications

#: A handover not confirmed by the resident within this many days goes on the 督办 list.
HANDOVER_CONFIRM_DAYS = 2
PAGE_SIZE = 50
_COLUMNS = (
    Row.id,
    Row.case_id,
    Row.case_id.receipt_no,
    Row.kind,
    Row.status,
    Row.resident.id,
    Row.resident.name,
    Row.resident.name_script,
    Row.booked_by,
    Row.note,
    Row.script,
    Row.created_at,
    Row.checked_in_at,
    Row.checked_out_at,
    Row.slot.id,
    Row.slot._.worker.id,
    Row.slot._.worker.name,
    Row.slot._.worker.name_script,
    Row.slot.grid_code,
    Row.slot.day,
    Row.slot.half_day,
    Row.slot.kind,
    Row.slot.capacity,
    Row.slot.booked,
    Row.slot.status,
)


class BookingRecord(msgspec.Struct, kw_only=True):
    """A booking as stored, with its case's receipt number, resident and slot."""

    id: int
    case_id: int
    receipt_no: str = msgspec.field(name="case_id.receipt_no")
    kind: Kind
    status: str
    resident_id: int = msgspec.field(name="resident.id")
    resident_name: str = msgspec.field(name="resident.name")
    booked_by: int
    note: str
    created_at: datetime
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    slot: slots.SlotRecord
    #: The scripts the note and the resident's name were typed in (None: before it was recorded).
    script: str | None = None
    resident_name_script: str | None = msgspec.field(name="resident.name_script", default=None)


def _record(row: dict[str, Any]) -> BookingRecord:
    """A ``_COLUMNS`` row as a record; its ``slot.``-prefixed columns make the slot."""
    row["slot"] = {name.removeprefix("slot."): value for name, value in row.items() if name.startswith("slot.")}
    return msgspec.convert(row, BookingRecord, strict=False)


def _view(booking: BookingRecord, locale: Locale, ctx: Context) -> Booking:
    return Booking(
        id=booking.id,
        case_id=booking.case_id,
        receipt_no=booking.receipt_no,
        slot=slots.view(booking.slot, locale),
        kind=booking.kind,
        status=booking.status,
        status_label=ctx.texts.t(locale, f"booking.status.{booking.status}"),
        resident_id=booking.resident_id,
        resident_name=to_script(booking.resident_name, locale, script_of(booking.resident_name_script)),
        booked_by_id=booking.booked_by,
        note=to_script(booking.note, locale, script_of(booking.script)),
        created_at=booking.created_at,
        checked_in_at=booking.checked_in_at,
        checked_out_at=booking.checked_out_at,
    )


def _visible(actor: CurrentUser) -> Any:
    """Residents: their own bookings and those of the relatives they act for now (an
    active family link: whoever booked keeps nothing once it ends). Grid workers: their
    grids' and their slots'; staff and admins: their region's."""
    mine = Row.resident == actor.id
    if actor.role == "resident":
        return mine | WhereRaw(f"{Row._meta.tablename}.resident IN ({{}})", accounts.relatives_sql(actor.id))
    in_area = actor.scope.region_filter(Row.slot.grid_code)
    if actor.role == "grid_worker":
        return mine | in_area | (Row.slot.worker == actor.id)
    return in_area


async def _booking(actor: CurrentUser, booking_id: int) -> BookingRecord:
    row = await Row.select(*_COLUMNS).where((Row.id == booking_id) & _visible(actor)).first()
    if row is None:
        raise NotFound()
    return _record(row)


async def eligible(resident_id: int) -> bool:
    """Flagged elderly, disabled or living alone, or an active staff exception."""
    user = await accounts.get_user(resident_id, "zh-Hans")
    if user.flags:
        return True
    return await EligibilityOverride.exists().where(
        (EligibilityOverride.resident == resident_id) & EligibilityOverride.active.eq(True)
    )


async def _resident(actor: CurrentUser, data: BookingCreate) -> int:
    """Whom the booking is for. Checked before anything about the person is looked at
    (eligibility, care flags): someone an official may not act for — missing, outside
    their scope, flagged or not — gets one answer, like a missing id."""
    if data.resident_id is None or data.resident_id == actor.id:
        if actor.role != "resident":
            raise Invalid("case.resident_required", field="resident_id")
        return actor.id
    if actor.role == "resident":
        if not await accounts.acts_for(actor.id, data.resident_id):
            raise Invalid("booking.not_linked", field="resident_id")
        return data.resident_id
    return await accounts.resident_by_id(actor, data.resident_id)


async def book(actor: CurrentUser, data: BookingCreate, now: datetime, ctx: Context) -> Booking:
    """Take a place and register the case, in one transaction (the caller's, when an
    idempotent create wraps it)."""
    slot = await SlotRow.select().where(SlotRow.id == data.slot_id).first()
    if slot is None or slot["status"] != "open" or slot["kind"] != data.kind:
        raise Invalid("booking.slot_invalid", field="slot_id")
    if slot["day"] < now.astimezone(ctx.tz).date():
        raise Invalid("booking.date_past", field="slot_id")
    service = await catalog.terms(data.service_code.strip().upper())
    channel = "door_to_door" if data.kind == "visit" else "proxy"
    if service is None or not service.active or not service.offers(channel):
        raise Invalid("booking.service_invalid", field="service_code")
    resident_id = await _resident(actor, data)
    if not await eligible(resident_id):
        raise AppError(403, "booking.not_eligible")
    async with write_transaction(Row):
        taken = (
            await SlotRow.update({SlotRow.booked: SlotRow.booked + 1})
            .where((SlotRow.id == slot["id"]) & (SlotRow.status == "open") & (SlotRow.booked < SlotRow.capacity))
            .returning(SlotRow.id)
        )
        if not taken:
            raise Conflict("booking.slot_full")
        note = redact_id_numbers(data.note.strip())
        # The case is written in the booker's script, the catalog's name too.
        name = service.name_hant if actor.locale == "zh-Hant" and service.name_hant else service.name_hans
        case_data = CaseCreate(
            kind=data.kind,
            service_code=service.code,
            title=name,
            description=note or name,
            region=slot["grid_code"],
            resident_id=None if resident_id == actor.id else resident_id,
            identity_check=data.identity_check if actor.role != "resident" else None,
        )
        case = await cases.create(actor, case_data, now, ctx)
        row = Row(
            slot=slot["id"],
            case_id=case.id,
            resident=resident_id,
            booked_by=actor.id,
            kind=data.kind,
            status="booked",
            note=note,
            script=actor.locale,
            created_at=now,
        )
        await row.save()
        when = ctx.texts.t("zh-Hans", f"booking.half_day.{slot['half_day']}")
        await cases.add_event(
            case.id, now, actor.id, "booking_made", None, None, f"{slot['day']} {when}", script="zh-Hans"
        )
        await notifications.notify(slot["worker"], "booking.new", now, case.id, receipt_no=case.receipt_no)
    return await get(actor, row.id, ctx)


async def get(actor: CurrentUser, booking_id: int, ctx: Context) -> Booking:
    return _view(await _booking(actor, booking_id), actor.locale, ctx)


async def list_bookings(
    actor: CurrentUser, status: str | None, start: date | None, end: date | None, cursor: int | None, ctx: Context
) -> BookingPage:
    query = Row.select(*_COLUMNS).where(_visible(actor)).order_by(Row.id, ascending=False).limit(PAGE_SIZE + 1)
    if status is not None:
        query = query.where(Row.status == status)
    if start is not None:
        query = query.where(Row.slot.day >= start)
    if end is not None:
        query = query.where(Row.slot.day <= end)
    if cursor is not None:
        query = query.where(Row.id < cursor)
    return paginate(await query, PAGE_SIZE, lambda row: _view(_record(row), actor.locale, ctx))


async def cancel(actor: CurrentUser, booking_id: int, now: datetime, ctx: Context) -> Booking:
    """Cancel a booking: its place goes back to the slot and its case is withdrawn (or
    told), in one transaction."""
    async with write_transaction(Row):
        booking = await _booking(actor, booking_id)
        may = await accounts.acts_for(actor.id, booking.resident_id) or (
            actor.role == "grid_worker"
            and (booking.slot.worker_id == actor.id or actor.scope.covers(booking.slot.grid_code))
        )
        if not may:
            raise Conflict("booking.not_yours")
        cancelled = (
            await Row.update({Row.status: "cancelled", Row.cancelled_at: now})
            .where((Row.id == booking_id) & Row.status.is_in(["booked", "needs_slot"]))
            .returning(Row.id)
        )
        if not cancelled:
            state = ctx.texts.t(actor.locale, f"booking.status.{booking.status}")
            raise Conflict("booking.not_cancellable", state=state)
        if booking.status == "booked":
            await SlotRow.update({SlotRow.booked: SlotRow.booked - 1}).where(
                (SlotRow.id == booking.slot.id) & (SlotRow.booked > 0)
            )
        await cases.cancel_for_booking(actor.id, booking.case_id, now)
    return await get(actor, booking_id, ctx)


async def visit(
    actor: CurrentUser, booking_id: int, step: str, data: VisitNote, now: datetime, ctx: Context
) -> Booking:
    """The worker's check-in and check-out, each once and in order, on the timeline."""
    booking = await _booking(actor, booking_id)
    if booking.slot.worker_id != actor.id and not (
        actor.role == "grid_worker" and actor.scope.covers(booking.slot.grid_code)
    ):
        raise Conflict("booking.not_yours")
    source, target = VISIT_STEPS[step]
    column = Row.checked_in_at if step == "check_in" else Row.checked_out_at
    async with write_transaction(Row):
        moved = (
            await Row.update({Row.status: target, column: now})
            .where((Row.id == booking_id) & (Row.status == source))
            .returning(Row.id)
        )
        if not moved:
            state = ctx.texts.t(actor.locale, f"booking.status.{booking.status}")
            raise Conflict("booking.not_cancellable", state=state)
        photos = await media.attach(actor.id, booking.case_id, data.media)
        note = redact_id_numbers(data.note.strip())
        await cases.add_event(
            booking.case_id, now, actor.id, f"visit_{step}", None, None, note, photos, script=actor.locale
        )
    return await get(actor, booking_id, ctx)


async def grant_override(actor: CurrentUser, data: OverrideCreate, now: datetime) -> None:
    user = await accounts.load_current_user(data.resident_id)
    if user is None or user.role != "resident" or not actor.scope.covers(user.region_code):
        raise NotFound()
    async with write_transaction(EligibilityOverride):
        await EligibilityOverride.insert(
            EligibilityOverride(
                resident=data.resident_id, granted_by=actor.id, reason=data.reason.strip(), created_at=now
            )
        )
        await audit(actor.id, "booking.eligibility_override", "user", data.resident_id, {"reason": data.reason}, at=now)


def _handover_view(row: dict[str, Any], locale: Locale, ctx: Context) -> Handover:
    items = json_list(row["items"])
    return Handover(
        id=row["id"],
        case_id=row["case_id"],
        # Document names were typed by a grid worker: shown in the reader's script.
        items=[
            HandoverItem(**{**item, "name": to_script(item["name"], locale, script_of(row["script"]))})
            for item in items
        ],
        direction=row["direction"],
        direction_label=ctx.texts.t(locale, f"handover.direction.{row['direction']}"),
        recorded_by=to_script(row["recorded_by.name"], locale, script_of(row["recorded_by.name_script"])),
        recorded_at=row["recorded_at"],
        confirmed_at=row["confirmed_at"],
    )


_HANDOVER_COLUMNS = (
    HandoverRow.id,
    HandoverRow.case_id,
    HandoverRow.items,
    HandoverRow.script,
    HandoverRow.direction,
    HandoverRow.recorded_by.name,
    HandoverRow.recorded_by.name_script,
    HandoverRow.recorded_at,
    HandoverRow.confirmed_at,
)


def _items_text(items: list[HandoverItem]) -> str:
    return "、".join(f"{item.name}×{item.count}" for item in items)


async def record_handover(
    actor: CurrentUser, case_id: int, data: HandoverCreate, now: datetime, ctx: Context
) -> Handover:
    """A grid worker writes down every document received or returned (代办台账)."""
    case = await cases.record_for(actor, case_id)
    if actor.role != "grid_worker":
        raise Conflict("booking.not_yours")
    # "身份证复印件 110101…" is a natural thing to type: keep the number masked like any note.
    items = [HandoverItem(name=redact_id_numbers(item.name.strip()), count=item.count) for item in data.items]
    data = HandoverCreate(items=items, direction=data.direction)
    row = HandoverRow(
        case_id=case_id,
        items=msgspec.json.encode(data.items).decode(),
        direction=data.direction,
        script=actor.locale,
        recorded_by=actor.id,
        recorded_at=now,
    )
    async with write_transaction(HandoverRow):
        await row.save()
        await cases.add_event(
            case_id,
            now,
            actor.id,
            f"handover_{data.direction}",
            None,
            None,
            _items_text(data.items),
            script=actor.locale,
        )
        await notifications.notify(case.resident_id, "handover.confirm", now, case_id, receipt_no=case.receipt_no)
        await audit(actor.id, f"handover.{data.direction}", "case", case_id, {"handover": row.id}, at=now)
    found = await HandoverRow.select(*_HANDOVER_COLUMNS).where(HandoverRow.id == row.id).first()
    return _handover_view(existing(found), actor.locale, ctx)


async def confirm_handover(actor: CurrentUser, case_id: int, handover_id: int, now: datetime, ctx: Context) -> Handover:
    """The resident (or a linked family member) confirms from their phone."""
    case = await cases.record_for(actor, case_id)
    if not await accounts.acts_for(actor.id, case.resident_id):
        raise Conflict("handover.not_yours")
    async with write_transaction(HandoverRow):
        confirmed = (
            await HandoverRow.update({HandoverRow.confirmed_at: now, HandoverRow.confirmed_by: actor.id})
            .where(
                (HandoverRow.id == handover_id) & (HandoverRow.case_id == case_id) & HandoverRow.confirmed_at.is_null()
            )
            .returning(HandoverRow.id)
        )
        if not confirmed:
            exists = await HandoverRow.exists().where(
                (HandoverRow.id == handover_id) & (HandoverRow.case_id == case_id)
            )
            raise Conflict("handover.already_confirmed") if exists else NotFound()
        await cases.add_event(case_id, now, actor.id, "handover_confirmed", None, None, "")
    found = await HandoverRow.select(*_HANDOVER_COLUMNS).where(HandoverRow.id == handover_id).first()
    return _handover_view(existing(found), actor.locale, ctx)


async def handovers_of_case(actor: CurrentUser, case_id: int, ctx: Context) -> HandoverPage:
    await cases.record_for(actor, case_id)  # 404 outside the actor's scope
    rows = await HandoverRow.select(*_HANDOVER_COLUMNS).where(HandoverRow.case_id == case_id).order_by(HandoverRow.id)
    return Page(items=[_handover_view(r, actor.locale, ctx) for r in rows])


async def unconfirmed_handovers(actor: CurrentUser, now: datetime, ctx: Context) -> HandoverPage:
    """The 督办 entry: handovers the resident has not confirmed within two days."""
    rows = (
        await HandoverRow.select(*_HANDOVER_COLUMNS)
        .where(
            HandoverRow.confirmed_at.is_null()
            & (HandoverRow.recorded_at < now - timedelta(days=HANDOVER_CONFIRM_DAYS))
            & actor.scope.region_filter(HandoverRow.case_id.region_code)
        )
        .order_by(HandoverRow.recorded_at)
        .limit(200)
    )
    return Page(items=[_handover_view(r, actor.locale, ctx) for r in rows])
