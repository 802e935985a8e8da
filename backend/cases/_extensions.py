"""延期: more working days for a case, only with the resident's consent.

Staff in scope (or the assignee) ask, with a reason; the resident (or a relative who
acts for her) answers in the app, or staff record that she agreed on the phone, with
who said yes and when. Only an agreement moves the deadline. One request may be
pending at a time (a partial unique index), and a case may have at most
``Context.max_extensions`` agreed ones (the county's rule, a setting).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from backend.accounts import service as accounts
from backend.cases import _calendar as calendar
from backend.cases import _clock as clock
from backend.cases._cases import Context, add_event, record_for
from backend.cases._naming import naming
from backend.cases._queries import person_names_sql
from backend.cases._transitions import is_staff_in_scope
from backend.cases.structs import OPEN_STATUSES, CaseRecord, Extension, ExtensionAnswer, ExtensionCreate, PhoneConsent
from backend.cases.tables import Case as Row
from backend.cases.tables import CaseExtension
from backend.lib.audit import audit
from backend.lib.auth import CurrentUser
from backend.lib.db import is_unique_violation, write_transaction
from backend.lib.errors import Conflict, Invalid, NotFound
from backend.lib.i18n import Locale, script_of
from backend.lib.privacy import redact_id_numbers
from backend.notifications import service as notifications


def may_ask(actor: CurrentUser, case: CaseRecord, stored: list[Extension], ctx: Context) -> bool:
    """Staff in scope or the assignee, on an open case with none pending and under the limit."""
    return (
        case.status in OPEN_STATUSES
        and (is_staff_in_scope(actor, case) or actor.id == case.assignee_id)
        and not any(item.status == "pending" for item in stored)
        and sum(item.status == "agreed" for item in stored) < ctx.max_extensions
    )


def _refuse(case: CaseRecord, actor: CurrentUser, ctx: Context, code: str = "case.action_not_allowed") -> Conflict:
    label = ctx.texts.t(actor.locale, f"case.status.{case.status}")
    return Conflict(code, state=label, details={"status": case.status})


async def _lock(case: CaseRecord, now: datetime) -> None:
    """Take the case row for this transaction: concurrent requests for one case queue here
    (PostgreSQL's row lock; SQLite has one writer anyway) and each sees the one before."""
    taken = (
        await Row.update({Row.updated_at: now})
        .where((Row.id == case.id) & Row.status.is_in(list(OPEN_STATUSES)))
        .returning(Row.id)
    )
    if not taken:
        raise NotFound()


async def ask(actor: CurrentUser, case_id: int, data: ExtensionCreate, now: datetime, ctx: Context) -> Extension:
    """Ask the resident for ``data.days`` more working days; she is told (inbox, push, SMS)."""
    async with write_transaction(Row):
        case = await record_for(actor, case_id)
        if case.status not in OPEN_STATUSES:
            raise _refuse(case, actor, ctx, "case.invalid_transition")
        if not (is_staff_in_scope(actor, case) or actor.id == case.assignee_id):
            raise _refuse(case, actor, ctx)
        reason = redact_id_numbers(data.reason.strip())
        if not reason:
            raise Invalid("case.note_required", field="reason")
        await _lock(case, now)
        stored = await CaseExtension.select(CaseExtension.status).where(CaseExtension.case == case_id)
        if any(row["status"] == "pending" for row in stored):
            raise Conflict("case.extension_pending")
        if sum(row["status"] == "agreed" for row in stored) >= ctx.max_extensions:
            raise Conflict("case.extension_limit", count=ctx.max_extensions)
        try:
            [row] = await CaseExtension.raw(
                "INSERT INTO case_extension (case_id, days, reason, status, requested_by, requested_at, script) "
                "VALUES ({}, {}, {}, 'pending', {}, {}, {}) RETURNING id",
                case_id,
                data.days,
                reason,
                actor.id,
                now,
                actor.locale,
            )
        except Exception as exc:
            if is_unique_violation(exc):
                raise Conflict("case.extension_pending") from None
            raise
        await add_event(
            case_id, now, actor.id, "extension_asked", case.status, case.status, reason, script=actor.locale
        )
        about = await naming(case.kind, case.service_code)
        await notifications.notify(
            case.resident_id,
            "case.extension_asked",
            now,
            case_id,
            receipt_no=case.receipt_no,
            title=case.title,
            title_script=case.script,
            days=data.days,
            **about,
        )
        await Row.update(await clock.heard(case, now, ctx)).where(Row.id == case_id)
        await audit(actor.id, "case.extension_ask", "case", case_id, {"days": data.days}, at=now)
    return await clock.extension(case_id, case.region_code, actor.locale, row["id"])


async def _pending(case: CaseRecord, extension_id: int) -> dict[str, Any]:
    row = (
        await CaseExtension.select(
            CaseExtension.id, CaseExtension.days, CaseExtension.status, CaseExtension.requested_at
        )
        .where((CaseExtension.id == extension_id) & (CaseExtension.case == case.id))
        .first()
    )
    if row is None:
        raise NotFound()
    if row["status"] != "pending":
        raise Conflict("case.extension_answered")
    return row


async def _open_pending(
    actor: CurrentUser, case_id: int, extension_id: int, ctx: Context
) -> tuple[CaseRecord, dict[str, Any]]:
    """The case as ``actor`` may see it and its extension still pending, the case still open."""
    case = await record_for(actor, case_id)
    extension = await _pending(case, extension_id)
    if case.status not in OPEN_STATUSES:
        raise _refuse(case, actor, ctx, "case.invalid_transition")
    return case, extension


async def answer(
    actor: CurrentUser, case_id: int, extension_id: int, data: ExtensionAnswer, now: datetime, ctx: Context
) -> Extension:
    """The resident (or a relative acting for her) agrees or declines in the app."""
    async with write_transaction(Row):
        case, extension = await _open_pending(actor, case_id, extension_id, ctx)
        if actor.id != case.resident_id and not (
            actor.role == "resident" and await accounts.acts_for(actor.id, case.resident_id)
        ):
            raise _refuse(case, actor, ctx)
        [person] = await Row.raw(person_names_sql(1), actor.id)
        await _settle(
            actor,
            case,
            extension,
            data.agree,
            now,
            ctx,
            consent="app",
            name=person["name"],
            name_script=script_of(person["name_script"]),
            recorder=None,
        )
    return await clock.extension(case_id, case.region_code, actor.locale, extension_id)


async def record_consent(
    actor: CurrentUser, case_id: int, extension_id: int, data: PhoneConsent, now: datetime, ctx: Context
) -> Extension:
    """Staff write down that the resident agreed on the phone: who, and when."""
    async with write_transaction(Row):
        case, extension = await _open_pending(actor, case_id, extension_id, ctx)
        if not is_staff_in_scope(actor, case):
            raise _refuse(case, actor, ctx)
        name = redact_id_numbers(data.agreed_by.strip())
        if not name:
            raise Invalid("case.consent_name_required", field="agreed_by")
        try:
            at = datetime.fromisoformat(data.agreed_at)
        except ValueError:
            raise Invalid("case.consent_time_invalid", field="agreed_at") from None
        if at.tzinfo is None or at > now or at < extension["requested_at"]:
            raise Invalid("case.consent_time_invalid", field="agreed_at")
        at = at.astimezone(UTC)
        await _settle(
            actor,
            case,
            extension,
            True,
            at,
            ctx,
            consent="phone",
            name=name,
            name_script=actor.locale,
            recorder=actor.id,
            now=now,
        )
    return await clock.extension(case_id, case.region_code, actor.locale, extension_id)


async def _settle(
    actor: CurrentUser,
    case: CaseRecord,
    extension: dict[str, Any],
    agree: bool,
    answered_at: datetime,
    ctx: Context,
    *,
    consent: str,
    name: str,
    name_script: Locale | None,
    recorder: int | None,
    now: datetime | None = None,
) -> None:
    """Record the answer (a concurrent one loses: the WHERE on pending) and, if agreed, move the deadline."""
    now = now or answered_at
    status = "agreed" if agree else "declined"
    values: dict[Any, Any] = {
        CaseExtension.status: status,
        CaseExtension.answered_at: answered_at,
        CaseExtension.answered_by: actor.id,
        CaseExtension.recorded_by: recorder,
    }
    if agree:
        values |= {
            CaseExtension.consent: consent,
            CaseExtension.agreed_by_name: name,
            CaseExtension.name_script: name_script,
        }
    settled = (
        await CaseExtension.update(values)
        .where((CaseExtension.id == extension["id"]) & (CaseExtension.status == "pending"))
        .returning(CaseExtension.id)
    )
    if not settled:
        raise Conflict("case.extension_answered")
    await _lock(case, now)
    changes: dict[Any, Any] = await clock.heard(case, now, ctx)  # she answered, in the app or on the phone
    if agree and case.deadline is not None:
        work = await calendar.calendar(case.region_code)
        changes |= clock.moved(case, work.add_workdays(case.deadline, extension["days"], ctx.tz), now)
        changes[Row.extended_days] = case.extended_days + extension["days"]
    if changes:
        await Row.update(changes).where(Row.id == case.id)
    note = name if consent == "phone" else ""
    await add_event(
        case.id,
        now,
        actor.id,
        f"extension_{status}",
        case.status,
        case.status,
        note,
        script=name_script if note else None,
    )
    extension_row = (
        await CaseExtension.select(CaseExtension.requested_by).where(CaseExtension.id == extension["id"]).first()
    )
    asker = extension_row["requested_by"] if extension_row else None
    if asker is not None and asker != actor.id:
        await notifications.notify(
            asker,
            f"case.extension_{status}",
            now,
            case.id,
            receipt_no=case.receipt_no,
            title=case.title,
            title_script=case.script,
        )
    await audit(actor.id, f"case.extension_{status}", "case", case.id, {"consent": consent if agree else None}, at=now)
