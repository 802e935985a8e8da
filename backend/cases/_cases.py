"""Submitting, reading and listing cases. Every query for a user goes through ``queries.visible``.

Residents see their own cases; grid workers the cases in their grid (and those
assigned to them); staff their township; admins their county. Anything else is
404, like a case that does not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from backend.accounts import service as accounts
from backend.accounts.structs import UserCreate
from backend.cases import _calendar as calendar
from backend.cases import _clock as clock
from backend.cases import _queries as queries
from backend.cases._naming import naming
from backend.cases.structs import (
    OPEN_STATUSES,
    Case,
    CaseCreate,
    CaseLookup,
    CasePage,
    CaseRecord,
    CaseSummary,
    CaseSummaryRecord,
    Event,
    LookupEvent,
    Person,
    Place,
    Resident,
)
from backend.cases.tables import Case as Row
from backend.cases.tables import CaseEvent, ReceiptCounter
from backend.catalog import service as catalog
from backend.lib.audit import audit
from backend.lib.auth import CurrentUser
from backend.lib.db import json_list, write_transaction
from backend.lib.errors import AppError, Invalid, NotFound
from backend.lib.i18n import Locale, Texts, to_script
from backend.lib.pages import paginate
from backend.lib.privacy import mask_phone, normalize_phone, redact_id_numbers
from backend.media import service as media
from backend.notifications import service as notifications
from backend.regions import service as regions

PAGE_SIZE = 20


class Context(msgspec.Struct, frozen=True):
    """What every case operation needs besides its arguments."""

    texts: Texts
    tz: ZoneInfo
    default_time_limit_days: int
    #: Signs the photo URLs on the timeline; without it, events carry photo ids only.
    photo_links: media.Links | None = None
    #: An urgent complaint's limit in hours when its catalog entry names none.
    urgent_hours: int = 24
    #: Agreed extensions a case may have (延期).
    max_extensions: int = 1
    #: Working days without news for the resident after which an open case is silent.
    silent_days: int = 3


async def _receipt_no(now: datetime, tz: ZoneInfo) -> str:
    """The next BM-YYYY-MM-NNNNNN; the counter row is locked until the case commits."""
    month = now.astimezone(tz).strftime("%Y-%m")
    rows = await ReceiptCounter.raw(
        "INSERT INTO receipt_counter (month, value) VALUES ({}, 1) "
        "ON CONFLICT (month) DO UPDATE SET value = receipt_counter.value + 1 RETURNING value",
        month,
    )
    return f"BM-{month}-{rows[0]['value']:06d}"


async def _resident_for(actor: CurrentUser, data: CaseCreate) -> tuple[int, str | None]:
    """Who the case is for, and the identity check when someone files for them."""
    proxied = data.resident_id is not None or data.resident_phone is not None
    if actor.role == "resident":
        if (
            data.resident_id is not None
            and data.resident_phone is None
            and data.identity_check is None
            and await accounts.acts_for(actor.id, data.resident_id)
        ):
            return data.resident_id, None  # a linked family member filing for the relative
        if proxied or data.identity_check is not None:
            raise AppError(403, "case.proxy_not_allowed")
        return actor.id, None
    if not proxied:
        if actor.role == "grid_worker" or data.identity_check is not None:
            raise Invalid("case.resident_required", field="resident_id")
        return actor.id, None  # staff filing on their own account (e.g. a suggestion)
    if data.identity_check is None:
        raise Invalid("case.identity_check_required", field="identity_check")
    # Whoever files for someone must have them in scope, however they are named; a
    # refusal is one answer for everyone (accounts.service.resident_for).
    if data.resident_id is not None:
        return await accounts.resident_by_id(actor, data.resident_id), data.identity_check
    phone = normalize_phone(data.resident_phone or "")
    if phone is None:
        raise Invalid("auth.phone_invalid", field="resident_phone")
    try:
        found = await accounts.resident_for(actor, phone=phone)
    except NotFound:
        raise Invalid("case.resident_invalid", field="resident_phone") from None
    if found is not None:
        return found, data.identity_check
    # A number without an account: the walk-in's account, homed in the case's grid (in scope).
    created = await accounts.create_user(
        UserCreate(phone=phone, name=(data.resident_name or "").strip(), region=data.region), actor=actor.id
    )
    return created.id, data.identity_check


async def create(actor: CurrentUser, data: CaseCreate, now: datetime, ctx: Context) -> Case:
    """Register a case (登记): the case, its receipt number, photos, event, audit row and
    notification in one transaction (the caller's, when an idempotent create wraps it)."""
    if regions.level_of(data.region) != "grid" or (region_id := await regions.id_for_code(data.region)) is None:
        raise Invalid("case.region_invalid", field="region")
    if actor.role != "resident" and not actor.scope.covers(data.region):
        raise Invalid("case.region_invalid", field="region")
    if data.urgent and data.kind != "complaint":
        raise Invalid("case.urgent_not_allowed", field="urgent")
    time_limit = ctx.default_time_limit_days
    urgent_hours: int | None = ctx.urgent_hours if data.urgent else None
    service_code = data.service_code.strip().upper() if data.service_code else None
    if service_code is not None:
        terms = await catalog.terms(service_code)
        # Another county's entry answers like a missing one: each county keeps its own catalog.
        if terms is None or not terms.active or not terms.serves(data.region):
            raise Invalid("case.service_invalid", field="service_code")
        time_limit = terms.time_limit_days
        # An urgent entry's cases are all urgent, in its hours.
        urgent_hours = terms.urgent_hours or urgent_hours
    elif data.kind not in ("complaint", "suggestion"):
        raise Invalid("case.service_required", field="service_code")
    work = await calendar.calendar(data.region)
    async with write_transaction(Row):
        resident_id, identity_check = await _resident_for(actor, data)
        receipt = await _receipt_no(now, ctx.tz)
        # Written out rather than Row(...).save(): building Piccolo's insert cost more than running it.
        [row] = await Row.raw(
            "INSERT INTO app_case (receipt_no, kind, service_code, title, description, region, region_code, address, "
            "lat, lng, resident, submitted_by, identity_check, status, time_limit_days, response_due, low_rated, "
            "created_at, updated_at, urgent, time_limit_hours, extended_days) VALUES ({}, {}, {}, {}, {}, {}, {}, "
            "{}, {}, {}, {}, {}, {}, 'submitted', {}, {}, {}, {}, {}, {}, {}, 0) RETURNING id",
            receipt,
            data.kind,
            service_code,
            redact_id_numbers(data.title.strip()),
            redact_id_numbers(data.description.strip()),
            region_id,
            data.region,
            redact_id_numbers(data.address.strip()),
            data.lat,
            data.lng,
            resident_id,
            actor.id,
            identity_check,
            time_limit,
            work.add_workdays(now, 1, ctx.tz),
            False,
            now,
            now,
            urgent_hours is not None,
            urgent_hours,
        )
        case_id = row["id"]
        media_ids = await media.attach(actor.id, case_id, data.media)
        await add_event(case_id, now, actor.id, "submit", None, "submitted", media=media_ids)
        await audit(actor.id, "case.submit", "case", case_id, {"to": "submitted"}, at=now)
        if resident_id != actor.id:
            about = await naming(data.kind, service_code)
            await notifications.notify(resident_id, "case.filed_for_you", now, case_id, receipt_no=receipt, **about)
    return await get(actor, case_id, now, ctx, audit_reveal=False)


async def add_event(
    case_id: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    from_status: str | None,
    to_status: str | None,
    note: str = "",
    media: list[int] | None = None,
) -> None:
    await CaseEvent.raw(
        "INSERT INTO case_event (case_id, at, actor, action, from_status, to_status, note, media) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
        case_id,
        at,
        actor_id,
        action,
        from_status,
        to_status,
        note,
        msgspec.json.encode(media or []).decode(),
    )


def _person(row: dict[str, Any], prefix: str) -> Person | None:
    if row.get(f"{prefix}.id") is None:
        return None
    return Person(id=row[f"{prefix}.id"], name=row[f"{prefix}.name"], role=row[f"{prefix}.role"])


def _named(person_id: int | None, name: str | None, role: str | None) -> Person | None:
    return None if person_id is None else Person(id=person_id, name=name or "", role=role or "")


def _resident(actor: CurrentUser, case: CaseSummaryRecord, phone: str | None) -> Resident:
    """The case's resident as ``actor`` reads them; ``phone``: what the reader may see of it.

    An official may file, by phone, for a resident whom no region places (signed up by
    SMS, no home region): the case then lies in the filer's scope without the person
    being there. Officials (the filer too) see such a resident's name withheld and the
    phone masked on every read of the case; the resident and their family see all.
    """
    if actor.role != "resident" and case.identity_check is not None and case.resident_home is None:
        return Resident(id=case.resident_id, name="", phone=mask_phone(case.resident_phone or ""), withheld=True)
    return Resident(id=case.resident_id, name=case.resident_name, phone=phone)


def _summary_fields(actor: CurrentUser, case: CaseSummaryRecord, texts: Texts, now: datetime) -> dict[str, Any]:
    locale = actor.locale
    flags = clock.Flags(case, now)
    return {
        "id": case.id,
        "receipt_no": case.receipt_no,
        "kind": case.kind,
        "kind_label": texts.t(locale, f"case.kind.{case.kind}"),
        "service_code": case.service_code,
        "title": to_script(case.title, locale),
        "status": case.status,
        "status_label": texts.t(locale, f"case.status.{case.status}"),
        "region": Place(
            code=case.region_code, name=case.region_name_hant if locale == "zh-Hant" else case.region_name_hans
        ),
        # The phone appears only in the detail, where opening it is audited.
        "resident": _resident(actor, case, None),
        "assignee": _named(case.assignee_id, case.assignee_name, case.assignee_role),
        "deadline": case.deadline,
        "due_soon": flags.due_soon,
        "overdue": flags.overdue,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "urgent": case.urgent,
        "time_limit_hours": case.time_limit_hours,
        "paused": flags.signal == "paused",
        "signal": flags.signal,
        "silent": flags.silent,
        "extended_days": case.extended_days,
    }


async def _timeline(case_id: int, locale: Locale, texts: Texts) -> list[Event]:
    rows = await CaseEvent.raw("{}", queries.timeline(case_id))
    return [
        Event(
            at=row["at"],
            actor=_person(row, "actor"),
            action=row["action"],
            action_label=texts.t(locale, f"case.action.{row['action']}"),
            from_status=row["from_status"],
            to_status=row["to_status"],
            note=to_script(row["note"], locale),
            media=json_list(row["media"]),
        )
        for row in rows
    ]


async def record_for(actor: CurrentUser, case_id: int) -> CaseRecord:
    """The case as stored, if ``actor`` may see it; otherwise 404."""
    rows = await Row.raw("{}", queries.detail(actor, case_id))
    if not rows:
        raise NotFound()
    return msgspec.convert(rows[0], CaseRecord, strict=False)


async def can_see(actor: CurrentUser, case_id: int) -> bool:
    """Whether ``actor`` may see the case (and so its photos: media asks through this)."""
    return await Row.exists().where((Row.id == case_id) & queries.visible(actor))


async def get(actor: CurrentUser, case_id: int, now: datetime, ctx: Context, audit_reveal: bool = True) -> Case:
    return await detail_of(actor, await record_for(actor, case_id), now, ctx, audit_reveal=audit_reveal)


async def detail_of(
    actor: CurrentUser, case: CaseRecord, now: datetime, ctx: Context, *, audit_reveal: bool = True
) -> Case:
    """The case as ``actor`` reads it, from its record (``record_for``), with its timeline."""
    case_id = case.id
    if audit_reveal and case.resident_id != actor.id:
        # A worker opening a case sees the resident's phone: that is a read of personal data.
        await audit(actor.id, "case.read_personal", "case", case_id, at=now)
    locale = actor.locale
    fields = _summary_fields(actor, case, ctx.texts, now)
    fields["resident"] = _resident(actor, case, case.resident_phone)
    case_clock = await clock.read(case_id, case.region_code, locale)
    remaining_days, remaining_hours = clock.remaining(case, case_clock, now, ctx)
    return Case(
        **fields,
        description=to_script(case.description, locale),
        address=to_script(case.address, locale),
        lat=case.lat,
        lng=case.lng,
        submitted_by=Person(id=case.submitted_by_id, name=case.submitted_by_name, role=case.submitted_by_role),
        identity_check=case.identity_check,
        owner=_named(case.owner_id, case.owner_name, case.owner_role),
        department=case.department,
        time_limit_days=case.time_limit_days,
        accepted_at=case.accepted_at,
        resolved_at=case.resolved_at,
        closed_at=case.closed_at,
        timeline=await _with_photos(await _timeline(case_id, locale, ctx.texts), actor.id, now, ctx),
        pauses=case_clock.pauses,
        remaining_working_days=remaining_days,
        remaining_hours=remaining_hours,
        extensions=case_clock.extensions,
    )


async def _with_photos(timeline: list[Event], viewer_id: int, now: datetime, ctx: Context) -> list[Event]:
    """Add signed URLs to the timeline's photos: an <img> cannot send the bearer token."""
    ids = [media_id for event in timeline for media_id in event.media]
    if ctx.photo_links is None or not ids:
        return timeline
    found = await media.photos(ids, viewer_id, now, ctx.photo_links)
    for event in timeline:
        event.photos = [found[media_id] for media_id in event.media if media_id in found]
    return timeline


class Filters(msgspec.Struct, kw_only=True):
    status: str | None = None
    kind: str | None = None
    region: str | None = None
    overdue: bool | None = None
    #: True: open cases past 80 % of their time limit and not yet overdue.
    due_soon: bool | None = None
    #: The open cases of one colour (``Case.signal``).
    signal: str | None = None
    assignee: int | None = None
    #: The last id of the page before; "u<id>": it was among the urgent open cases.
    cursor: str | None = None
    limit: int = PAGE_SIZE


async def list_cases(actor: CurrentUser, filters: Filters, now: datetime, ctx: Context) -> CasePage:
    """Urgent cases not yet resolved first, then the others, each newest first, cursor-paged;
    ``overdue=true`` is the 督办 list."""
    cursor = filters.cursor
    statement = queries.case_list(
        actor,
        status=filters.status,
        kind=filters.kind,
        region=filters.region,
        assignee=filters.assignee,
        overdue=filters.overdue,
        due_soon=filters.due_soon,
        signal=filters.signal,
        now=now,
        # "u<id>": the page before ended among the urgent cases, which lead the list.
        cursor=None if cursor is None else (cursor.startswith("u"), int(cursor.removeprefix("u"))),
        limit=filters.limit + 1,
    )
    rows = await Row.raw("{}", statement)
    return paginate(
        msgspec.convert(rows, list[CaseSummaryRecord], strict=False),
        filters.limit,
        lambda case: CaseSummary(**_summary_fields(actor, case, ctx.texts, now)),
        lambda item: f"u{item.id}" if item.urgent and item.status in ("submitted", *OPEN_STATUSES) else str(item.id),
    )


async def lookup(receipt_no: str, phone: str, locale: Locale, ctx: Context) -> CaseLookup | None:
    """Status by receipt number and the resident's phone; None on any mismatch."""
    normalized = normalize_phone(phone)
    row = (
        await Row.select(Row.id, Row.receipt_no, Row.kind, Row.status, Row.created_at, Row.deadline, Row.resident.phone)
        .where(Row.receipt_no == receipt_no.strip().upper())
        .first()
    )
    if row is None or normalized is None or row["resident.phone"] != normalized:
        return None
    events = (
        await CaseEvent.select(CaseEvent.at, CaseEvent.action, CaseEvent.to_status)
        .where(CaseEvent.case == row["id"])
        .order_by(CaseEvent.id)
    )
    texts = ctx.texts
    return CaseLookup(
        receipt_no=row["receipt_no"],
        kind_label=texts.t(locale, f"case.kind.{row['kind']}"),
        status=row["status"],
        status_label=texts.t(locale, f"case.status.{row['status']}"),
        created_at=row["created_at"],
        deadline=row["deadline"],
        timeline=[
            LookupEvent(
                at=event["at"],
                action_label=texts.t(locale, f"case.action.{event['action']}"),
                status_label=texts.t(locale, f"case.status.{event['to_status']}") if event["to_status"] else None,
            )
            for event in events
        ],
    )


async def receipt_no(case_id: int) -> str:
    row = await Row.select(Row.receipt_no).where(Row.id == case_id).first()
    return row["receipt_no"] if row else ""


async def resident_of(case_id: int) -> int:
    row = await Row.select(Row.resident).where(Row.id == case_id).first()
    if row is None:
        raise NotFound()
    return row["resident"]
