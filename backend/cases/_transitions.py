"""The case state machine: who may move a case, from where, to where.

Only the transitions in ``RULES`` exist. Each one writes, in one transaction, the
status change, one timeline event, one notification and one audit row. A move
the case's state does not allow, or the caller's part in the case does not
allow, answers 409 naming the current state.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal, cast

import msgspec

from backend.accounts import service as accounts
from backend.cases import _calendar as calendar
from backend.cases import _clock as clock
from backend.cases._cases import Context, add_event, detail_of, get, record_for
from backend.cases._naming import naming
from backend.cases.structs import OPEN_STATUSES, Case, CaseAction, CaseRecord, Extension, Step, Transition
from backend.cases.tables import Case as Row
from backend.catalog import service as catalog
from backend.lib.audit import audit
from backend.lib.auth import CurrentUser, Scope
from backend.lib.db import write_transaction
from backend.lib.errors import Conflict, Invalid
from backend.lib.privacy import redact_id_numbers
from backend.lib.workdays import due_soon_at
from backend.media import service as media
from backend.notifications import service as notifications

Party = Literal["staff", "assignee", "resident", "owner"]
#: A resolved case may be reopened by the resident within this many days.
REOPEN_DAYS = 15


class Rule(msgspec.Struct, frozen=True):
    sources: tuple[str, ...]
    #: None: the case keeps its status (an event only).
    target: str | None
    party: Party
    #: Who hears about it: the resident, the assignee (else the owner), or the new person.
    tell: Literal["resident", "assignee", "owner", "named"]
    note_required: bool = False


RULES: dict[str, Rule] = {
    "accept": Rule(("submitted",), "accepted", "staff", "resident"),
    "reject": Rule(("submitted",), "rejected", "staff", "resident", note_required=True),
    "cancel": Rule(("submitted",), "cancelled", "resident", "owner"),
    "assign": Rule(("accepted",), "assigned", "staff", "named"),
    "reassign": Rule(("assigned", "in_progress", "waiting_info"), "assigned", "staff", "named"),
    "start": Rule(("assigned",), "in_progress", "assignee", "resident"),
    "request_info": Rule(("in_progress",), "waiting_info", "assignee", "resident", note_required=True),
    "supply_info": Rule(("waiting_info",), "in_progress", "resident", "assignee", note_required=True),
    "resolve": Rule(("in_progress",), "resolved", "assignee", "resident", note_required=True),
    "reopen": Rule(("resolved", "closed"), "in_progress", "resident", "assignee", note_required=True),
    "handover": Rule(("submitted", *OPEN_STATUSES), None, "owner", "named"),
    "remind": Rule(OPEN_STATUSES, None, "staff", "assignee"),
}


def is_staff_in_scope(actor: CurrentUser, case: CaseRecord) -> bool:
    return actor.role in ("staff", "admin") and actor.scope.covers(case.region_code)


def _plays(actor: CurrentUser, party: Party, case: CaseRecord, *, acting_for: bool = False) -> bool:
    """Whether ``actor`` plays ``party`` in ``case``; ``acting_for``: a confirmed family
    member acting for the resident (looked up only for the resident's moves)."""
    if party == "staff":
        return is_staff_in_scope(actor, case)
    if party == "resident":
        return actor.id == case.resident_id or acting_for
    if party == "owner":
        owner = case.owner_id
        return (
            (owner is None and is_staff_in_scope(actor, case))
            or actor.id == owner
            or (actor.role == "admin" and is_staff_in_scope(actor, case))
        )
    # The assignee acts; a case sent to a department (no one named) is the township's.
    assignee = case.assignee_id
    return actor.id == assignee if assignee is not None else is_staff_in_scope(actor, case)


def steps() -> list[Step]:
    """The rules as data, for a phone predicting offline where its queued moves lead.

    >>> next(step for step in steps() if step.action == "start").from_
    ['assigned']
    """
    return [
        Step(
            action=action, from_=list(rule.sources), to=rule.target, party=rule.party, note_required=rule.note_required
        )
        for action, rule in RULES.items()
    ]


async def detail(actor: CurrentUser, case_id: int, now: datetime, ctx: Context) -> Case:
    """The case as ``actor`` reads it, with ``actions``: the moves ``apply`` would let them make
    now, from the same record and the same rules (no query of its own but a relative's link)."""
    record = await record_for(actor, case_id)
    case = await detail_of(actor, record, now, ctx)
    actions: list[CaseAction] = [*await allowed_actions(actor, record, now)]
    actions += await extension_actions(actor, record, case.extensions, ctx)
    return msgspec.structs.replace(case, actions=actions)


async def extension_actions(
    actor: CurrentUser, case: CaseRecord, stored: list[Extension], ctx: Context
) -> list[CaseAction]:
    """The steps of an extension (延期) ``actor`` may take now: ask (staff in scope or the
    assignee, none pending, under the limit), answer (the resident or a relative acting for
    her) or record a phone consent (staff in scope) while one is pending."""
    if case.status not in OPEN_STATUSES:
        return []
    pending = any(item.status == "pending" for item in stored)
    staff = is_staff_in_scope(actor, case)
    actions: list[CaseAction] = []
    agreed = sum(item.status == "agreed" for item in stored)
    if (staff or actor.id == case.assignee_id) and not pending and agreed < ctx.max_extensions:
        actions.append("extend")
    if pending and (
        actor.id == case.resident_id
        or (actor.role == "resident" and await accounts.acts_for(actor.id, case.resident_id))
    ):
        actions.append("answer_extension")
    if pending and staff:
        actions.append("record_consent")
    return actions


async def allowed_actions(actor: CurrentUser, case: CaseRecord, now: datetime) -> list[CaseAction]:
    """The moves ``apply`` would let ``actor`` make on ``case`` now (its status and the caller's
    part, and the reopen limits), so a screen offers exactly those; the move still checks again.
    """
    # Only residents can ask for a family link (family.request), so only they may act for a relative.
    acting_for = (
        actor.role == "resident"
        and actor.id != case.resident_id
        and any(case.status in rule.sources for rule in RULES.values() if rule.party == "resident")
        and await accounts.acts_for(actor.id, case.resident_id)
    )
    allowed: list[CaseAction] = [
        cast(CaseAction, action)
        for action, rule in RULES.items()
        if case.status in rule.sources and _plays(actor, rule.party, case, acting_for=acting_for)
    ]
    if "reopen" in allowed and not _may_reopen(case, now):
        allowed.remove("reopen")
    return allowed


def _may_reopen(case: CaseRecord, now: datetime) -> bool:
    """The two limits ``_effects`` puts on a reopen: 15 days after resolving, or a low last rating."""
    if case.status == "resolved":
        return case.resolved_at is None or now - case.resolved_at <= timedelta(days=REOPEN_DAYS)
    return case.low_rated


async def _worker_for(case_region: str, user_id: int | None, roles: tuple[str, ...]) -> int:
    """Check that ``user_id`` is an active worker whose scope covers the case."""
    user = await accounts.load_current_user(user_id) if user_id else None
    if user is None or user.role not in roles or not Scope.for_user(user).covers(case_region):
        raise Invalid("case.assignee_invalid", field="assignee_id")
    return user.id


async def apply(actor: CurrentUser, case_id: int, move: Transition, now: datetime, ctx: Context) -> Case:
    rule = RULES[move.action]
    async with write_transaction(Row):
        case = await record_for(actor, case_id)
        acting_for = (
            rule.party == "resident"
            and actor.id != case.resident_id
            and await accounts.acts_for(actor.id, case.resident_id)
        )
        status = case.status
        label = ctx.texts.t(actor.locale, f"case.status.{status}")
        if status not in rule.sources:
            raise Conflict("case.invalid_transition", state=label, details={"status": status})
        if not _plays(actor, rule.party, case, acting_for=acting_for):
            raise Conflict("case.action_not_allowed", state=label, details={"status": status})
        note = redact_id_numbers(move.note.strip())
        if rule.note_required and not note:
            raise Invalid("case.note_required", field="note")
        if move.urgent is not None and move.action != "accept":
            raise Invalid("case.urgent_accept_only", field="urgent")
        values, named = await _effects(move, case, now, ctx)
        restarted = await clock.restart(case, now, ctx) if move.action == "supply_info" else None
        values |= restarted.values if restarted is not None else {}
        if rule.tell == "resident" or rule.party == "resident":
            values |= await clock.heard(case, now, ctx)  # news for her, or her own move: the silence starts again
        target = rule.target or status
        values[Row.status] = target
        values[Row.updated_at] = now
        if case.owner_id is None and actor.role in ("staff", "admin") and move.action != "handover":
            values.setdefault(Row.owner, actor.id)  # 首问负责: the first staff member to act owns it
        # The status in the WHERE makes a concurrent move of the same case lose cleanly.
        moved = await Row.update(values).where((Row.id == case_id) & (Row.status == status)).returning(Row.id)
        if not moved:
            raise Conflict("case.invalid_transition", state=label, details={"status": status})
        if move.action == "request_info":
            await clock.stop(case_id, actor.id, now)
        elif restarted is not None:
            await clock.close(restarted, actor.id, now)
        media_ids = await media.attach(actor.id, case_id, move.media)
        await add_event(case_id, now, actor.id, move.action, status, target, note, media_ids)
        recipient = _recipient(rule, case, named, values)
        if recipient is not None and recipient != actor.id:
            about = await naming(case.kind, case.service_code)
            await notifications.notify(
                recipient, f"case.{move.action}", now, case_id, receipt_no=case.receipt_no, title=case.title, **about
            )
        await audit(actor.id, f"case.{move.action}", "case", case_id, {"from": status, "to": target}, at=now)
    return await get(actor, case_id, now, ctx, audit_reveal=False)


async def _effects(
    move: Transition, case: CaseRecord, now: datetime, ctx: Context
) -> tuple[dict[Any, Any], int | None]:
    """The columns an action changes, and the person it names (assignee, new owner)."""
    values: dict[Any, Any] = {}
    named: int | None = None
    action = move.action
    if action == "accept":
        work = await calendar.calendar(case.region_code)
        urgent_hours = await _urgent_hours(move, case, ctx)
        deadline = clock.deadline_from(
            now,
            msgspec.structs.replace(case, urgent=urgent_hours is not None, time_limit_hours=urgent_hours),
            case.time_limit_days,
            work,
            ctx,
        )
        values = {
            Row.accepted_at: now,
            Row.responded_at: now,
            Row.deadline: deadline,
            Row.due_soon_at: due_soon_at(now, deadline),
            Row.urgent: urgent_hours is not None,
            Row.time_limit_hours: urgent_hours,
        }
    elif action == "reject":
        values = {Row.responded_at: now}
    elif action in ("assign", "reassign"):
        department = (move.department or "").strip() or None
        if move.assignee_id is None and department is None:
            raise Invalid("case.assignee_required", field="assignee_id")
        if move.assignee_id is not None:
            named = await _worker_for(case.region_code, move.assignee_id, ("grid_worker", "staff"))
        values = {Row.assignee: named, Row.department: department}
    elif action == "handover":
        named = await _worker_for(case.region_code, move.assignee_id, ("staff", "admin"))
        values = {Row.owner: named}
    elif action == "resolve":
        values = {Row.resolved_at: now}
    elif action == "reopen":
        if case.status == "resolved" and case.resolved_at and now - case.resolved_at > timedelta(days=REOPEN_DAYS):
            raise Conflict("case.reopen_expired", days=REOPEN_DAYS)
        if case.status == "closed" and not case.low_rated:
            raise Conflict("case.reopen_closed")
        values = {Row.resolved_at: None, Row.closed_at: None}
    return values, named


async def _urgent_hours(move: Transition, case: CaseRecord, ctx: Context) -> int | None:
    """An accepted case's limit in hours if it is urgent (staff may mark or clear it at
    accept): as filed, else the catalog entry's hours, else the setting's."""
    if move.urgent is None or move.urgent == case.urgent:
        return case.time_limit_hours if case.urgent else None
    if not move.urgent:
        return None
    terms = await catalog.terms(case.service_code) if case.service_code else None
    return (terms.urgent_hours if terms is not None else None) or ctx.urgent_hours


def _recipient(rule: Rule, case: CaseRecord, named: int | None, values: dict[Any, Any]) -> int | None:
    if rule.tell == "resident":
        return case.resident_id
    if rule.tell == "named":
        return named
    if rule.tell == "owner":
        return values.get(Row.owner, case.owner_id)
    return case.assignee_id or case.owner_id


async def record_rating(
    actor: CurrentUser, case: CaseRecord, again: bool, score: int, comment: str, now: datetime
) -> None:
    """The case side of a rating, in one transaction (the caller's, when it has one).

    A first rating closes a resolved case (a lost race answers 409); a 追评 adds an
    event. A score of 2 or less lets the resident reopen the closed case.
    """
    low = score <= 2
    async with write_transaction(Row):
        if again:
            await Row.update({Row.low_rated: low, Row.updated_at: now}).where(Row.id == case.id)
            await add_event(case.id, now, actor.id, "rate_again", case.status, case.status, comment)
        else:
            closed = (
                await Row.update({Row.status: "closed", Row.closed_at: now, Row.low_rated: low, Row.updated_at: now})
                .where((Row.id == case.id) & (Row.status == "resolved"))
                .returning(Row.id)
            )
            if not closed:
                raise Conflict("rating.not_resolved")
            await add_event(case.id, now, actor.id, "rate", "resolved", "closed", comment)
        recipient = case.owner_id or case.assignee_id
        if recipient is not None:
            await notifications.notify(
                recipient,
                "case.rated_bad" if low else "case.rated",
                now,
                case.id,
                receipt_no=case.receipt_no,
                title=case.title,
                score=score,
            )
        await audit(actor.id, "case.rate_again" if again else "case.rate", "case", case.id, {"score": score}, at=now)


async def cancel_for_booking(actor_id: int, case_id: int, now: datetime) -> None:
    """A cancelled booking withdraws its case if nobody has taken it in yet; else the
    timeline records the cancellation and staff decide. One transaction (the caller's)."""
    async with write_transaction(Row):
        withdrawn = (
            await Row.update({Row.status: "cancelled", Row.updated_at: now})
            .where((Row.id == case_id) & (Row.status == "submitted"))
            .returning(Row.id)
        )
        if withdrawn:
            await add_event(case_id, now, actor_id, "cancel", "submitted", "cancelled", "")
            await audit(actor_id, "case.cancel", "case", case_id, {"from": "submitted", "to": "cancelled"}, at=now)
        else:
            await add_event(case_id, now, actor_id, "booking_cancelled", None, None, "")
