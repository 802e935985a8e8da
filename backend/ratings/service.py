"""Rating cases, following up bad ratings, and appeals against malicious ones.

A rating is written once and never changed. A bad one (score ≤ 2) opens a
follow-up: a callback within 1 working day and a fix within 5 (settings); after
the fix the resident may rate once more (追评) and both ratings are kept. Staff may
flag a rating as malicious; an admin decides; upheld flags leave the statistics,
which read ratings through the SQL in ``_stats`` (re-exported here).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from backend.accounts import service as accounts
from backend.cases import service as cases
from backend.cases.service import Context as CaseContext
from backend.cases.structs import CaseRecord
from backend.lib.audit import audit
from backend.lib.auth import CurrentUser
from backend.lib.db import existing, is_unique_violation, json_list, write_transaction
from backend.lib.errors import Conflict, Invalid, NotFound
from backend.lib.i18n import Locale, script_of, to_script
from backend.lib.pages import Page, paginate
from backend.lib.privacy import redact_id_numbers
from backend.notifications import service as notifications
from backend.ratings._stats import stats_follow_ups_sql, stats_rating_columns
from backend.ratings.structs import (
    BAD_TAGS,
    GOOD_TAGS,
    CaseRatings,
    Decision,
    FlagCreate,
    FlagPage,
    FlagView,
    FollowUpPage,
    FollowUpView,
    RatingCreate,
    RatingView,
    StepCreate,
    StepView,
)
from backend.ratings.tables import FollowUp, FollowUpStep, Rating

PAGE_SIZE = 30

__all__ = [
    "PAGE_SIZE",
    "Policy",
    "add_step",
    "decide",
    "flag",
    "flags",
    "follow_ups",
    "for_case",
    "rate",
    "stats_follow_ups_sql",
    "stats_rating_columns",
]


class Policy(msgspec.Struct, frozen=True):
    """Working days for the follow-up of a bad rating."""

    callback_days: int = 1
    fix_days: int = 5


def _allowed_tags(score: int) -> tuple[str, ...]:
    if score >= 4:
        return GOOD_TAGS
    if score <= 2:
        return BAD_TAGS
    return GOOD_TAGS + BAD_TAGS


def tags_for_score(score: int) -> tuple[str, ...]:
    """The tags a rating of ``score`` may carry: ``tags_for_score(5) == GOOD_TAGS``."""
    return _allowed_tags(score)


def _view(row: dict[str, Any], locale: Locale, ctx: CaseContext) -> RatingView:
    tags = json_list(row["tags"])
    return RatingView(
        id=row["id"],
        case_id=row["case_id"],
        kind=row["kind"],
        score=row["score"],
        level_label=ctx.texts.t(locale, f"rating.level.{row['score']}"),
        tags=tags,
        tag_labels=[ctx.texts.t(locale, f"rating.tag.{tag}") for tag in tags],
        comment=to_script(row["comment"], locale, script_of(row["script"])),
        created_at=row["created_at"],
        flag_status=row["flag_status"],
    )


async def _follow_up_for_case(case_id: int) -> dict[str, Any] | None:
    return await _follow_ups().where(FollowUp.case_id == case_id).first()


def _follow_ups() -> Any:
    """Follow-ups with their rating's score and case's receipt number joined in."""
    return FollowUp.select(*FollowUp._meta.columns, FollowUp.rating.score, FollowUp.case_id.receipt_no)


async def _follow_up_view(row: dict[str, Any], locale: Locale, ctx: CaseContext, now: datetime) -> FollowUpView:
    steps = (
        await FollowUpStep.select(
            FollowUpStep.step,
            FollowUpStep.outcome,
            FollowUpStep.note,
            FollowUpStep.script,
            FollowUpStep.at,
            FollowUpStep.actor.name,
            FollowUpStep.actor.name_script,
        )
        .where(FollowUpStep.follow_up == row["id"])
        .order_by(FollowUpStep.id)
    )
    return FollowUpView(
        id=row["id"],
        case_id=row["case_id"],
        receipt_no=row["case_id.receipt_no"],
        rating_id=row["rating"],
        score=row["rating.score"],
        opened_at=row["opened_at"],
        callback_due=row["callback_due"],
        fix_due=row["fix_due"],
        callback_at=row["callback_at"],
        fixed_at=row["fixed_at"],
        overdue=_late(row, now),
        steps=[
            StepView(
                step=s["step"],
                outcome=s["outcome"],
                outcome_label=ctx.texts.t(locale, f"rating.outcome.{s['outcome']}"),
                note=to_script(s["note"], locale, script_of(s["script"])),
                at=s["at"],
                actor_name=to_script(s["actor.name"], locale, script_of(s["actor.name_script"])),
            )
            for s in steps
        ],
    )


def _late(row: dict[str, Any], now: datetime) -> bool:
    return (row["callback_at"] is None and now > row["callback_due"]) or (
        row["fixed_at"] is None and now > row["fix_due"]
    )


async def for_case(actor: CurrentUser, case_id: int, now: datetime, ctx: CaseContext) -> CaseRatings:
    case = await cases.record_for(actor, case_id)
    ratings = await Rating.select().where(Rating.case_id == case_id).order_by(Rating.id)
    follow_up = await _follow_up_for_case(case_id)
    return CaseRatings(
        ratings=[_view(r, actor.locale, ctx) for r in ratings],
        follow_up=await _follow_up_view(follow_up, actor.locale, ctx, now) if follow_up else None,
        can_rate=await accounts.acts_for(actor.id, case.resident_id)
        and _next_kind(case, ratings, follow_up) is not None,
    )


def _next_kind(case: CaseRecord, ratings: list[dict[str, Any]], follow_up: dict[str, Any] | None) -> str | None:
    kinds = {r["kind"] for r in ratings}
    if "first" not in kinds:
        return "first" if case.status == "resolved" else None
    if "again" not in kinds and follow_up is not None and follow_up["fixed_at"] is not None:
        return "again"
    return None


async def rate(
    actor: CurrentUser, case_id: int, data: RatingCreate, now: datetime, ctx: CaseContext, policy: Policy
) -> RatingView:
    """Rate a resolved case (closing it), or rate it once more after a bad rating's fix.

    The rating, the case's side (close, event, notification, audit) and a bad rating's
    follow-up are one transaction.
    """
    if any(tag not in _allowed_tags(data.score) for tag in data.tags):
        raise Invalid("rating.tags_invalid", field="tags")
    async with write_transaction(Rating):
        case = await cases.record_for(actor, case_id)
        if not await accounts.acts_for(actor.id, case.resident_id):
            raise Conflict("rating.not_yours")
        ratings = await Rating.select().where(Rating.case_id == case_id)
        follow_up = await _follow_up_for_case(case_id)
        kind = _next_kind(case, ratings, follow_up)
        if kind is None:
            state = ctx.texts.t(actor.locale, f"case.status.{case.status}")
            raise Conflict("rating.already_rated" if ratings else "rating.not_resolved", state=state)
        row = Rating(
            case_id=case_id,
            rater=actor.id,
            kind=kind,
            slot=f"{case_id}:{kind}",
            score=data.score,
            tags=msgspec.json.encode(list(dict.fromkeys(data.tags))).decode(),
            comment=redact_id_numbers(data.comment.strip()),
            script=actor.locale,
            created_at=now,
        )
        try:
            await row.save()
        except Exception as exc:
            if is_unique_violation(exc):  # the same rating sent twice at the same moment
                raise Conflict("rating.already_rated", state="") from None
            raise
        await cases.record_rating(actor, case, kind == "again", data.score, row.comment, now)
        if kind == "first" and data.score <= 2:
            work = await cases.calendar(case.region_code)
            await FollowUp.insert(
                FollowUp(
                    rating=row.id,
                    case_id=case_id,
                    region_code=case.region_code,
                    opened_at=now,
                    callback_due=work.add_workdays(now, policy.callback_days, ctx.tz),
                    fix_due=work.add_workdays(now, policy.fix_days, ctx.tz),
                )
            )
    created = await Rating.select().where(Rating.id == row.id).first()
    return _view(existing(created), actor.locale, ctx)


def _staff_scope(actor: CurrentUser) -> Any:
    return actor.scope.region_filter(FollowUp.region_code)


async def follow_ups(
    actor: CurrentUser, only_open: bool, only_overdue: bool, cursor: int | None, now: datetime, ctx: CaseContext
) -> FollowUpPage:
    query = _follow_ups().where(_staff_scope(actor)).order_by(FollowUp.id, ascending=False).limit(PAGE_SIZE + 1)
    if only_open or only_overdue:
        query = query.where(FollowUp.fixed_at.is_null())
    if only_overdue:
        query = query.where((FollowUp.callback_at.is_null() & (FollowUp.callback_due < now)) | (FollowUp.fix_due < now))
    if cursor is not None:
        query = query.where(FollowUp.id < cursor)
    rows = paginate(await query, PAGE_SIZE, lambda row: row, cursor_of=lambda row: row["id"])
    return Page(
        items=[await _follow_up_view(row, actor.locale, ctx, now) for row in rows.items], next_cursor=rows.next_cursor
    )


async def add_step(
    actor: CurrentUser, follow_up_id: int, data: StepCreate, now: datetime, ctx: CaseContext
) -> FollowUpView:
    """Record the callback (回访核实) or the fix (整改), each once, callback first."""
    note = redact_id_numbers(data.note.strip())
    async with write_transaction(FollowUp):
        row = await _follow_ups().where((FollowUp.id == follow_up_id) & _staff_scope(actor)).first()
        if row is None:
            raise NotFound()
        column = FollowUp.callback_at if data.step == "callback" else FollowUp.fixed_at
        if row[column._meta.name] is not None:
            raise Conflict("rating.step_done")
        if data.step == "fix" and row["callback_at"] is None:
            raise Conflict("rating.callback_first")
        await FollowUp.update({column: now}).where(FollowUp.id == follow_up_id)
        await FollowUpStep.insert(
            FollowUpStep(
                follow_up=follow_up_id,
                step=data.step,
                outcome=data.outcome,
                note=note,
                script=actor.locale,
                actor=actor.id,
                at=now,
            )
        )
        case_id = row["case_id"]
        await cases.add_event(case_id, now, actor.id, f"follow_up_{data.step}", None, None, note, script=actor.locale)
        if data.step == "fix":
            resident = await cases.resident_of(case_id)
            await notifications.notify(resident, "rating.fixed", now, case_id, receipt_no=row["case_id.receipt_no"])
        await audit(actor.id, f"follow_up.{data.step}", "follow_up", follow_up_id, {"outcome": data.outcome}, at=now)
    updated = await _follow_ups().where(FollowUp.id == follow_up_id).first()
    return await _follow_up_view(updated, actor.locale, ctx, now)


async def _rating_in_scope(actor: CurrentUser, rating_id: int) -> dict[str, Any]:
    row = await Rating.select().where(Rating.id == rating_id).first()
    if row is None:
        raise NotFound()
    await cases.record_for(actor, row["case_id"])  # 404 outside the actor's scope
    return row


async def flag(actor: CurrentUser, rating_id: int, data: FlagCreate, now: datetime, ctx: CaseContext) -> RatingView:
    """Staff ask for a rating to be set aside as malicious; an admin decides."""
    async with write_transaction(Rating):
        row = await _rating_in_scope(actor, rating_id)
        if row["flag_status"] != "none":
            raise Conflict("rating.already_flagged")
        await Rating.update(
            {
                Rating.flag_status: "flagged",
                Rating.flag_reason: data.reason.strip(),
                Rating.flag_script: actor.locale,
                Rating.flagged_by: actor.id,
                Rating.flagged_at: now,
            }
        ).where(Rating.id == rating_id)
        await audit(actor.id, "rating.flag", "rating", rating_id, {"reason": data.reason.strip()}, at=now)
    return _view(existing(await Rating.select().where(Rating.id == rating_id).first()), actor.locale, ctx)


async def decide(actor: CurrentUser, rating_id: int, data: Decision, now: datetime, ctx: CaseContext) -> RatingView:
    async with write_transaction(Rating):
        row = await _rating_in_scope(actor, rating_id)
        if row["flag_status"] != "flagged":
            raise Conflict("rating.not_flagged")
        status = "upheld" if data.uphold else "rejected"
        await Rating.update(
            {
                Rating.flag_status: status,
                Rating.decided_by: actor.id,
                Rating.decided_at: now,
                Rating.decision_note: data.note.strip(),
                Rating.decision_script: actor.locale,
            }
        ).where(Rating.id == rating_id)
        await audit(actor.id, f"rating.flag_{status}", "rating", rating_id, {"note": data.note.strip()}, at=now)
    return _view(existing(await Rating.select().where(Rating.id == rating_id).first()), actor.locale, ctx)


def _flag_view(row: dict[str, Any], locale: Locale, ctx: CaseContext) -> FlagView:
    tags = json_list(row["tags"])
    return FlagView(
        rating_id=row["id"],
        case_id=row["case_id"],
        receipt_no=row["case_id.receipt_no"],
        case_title=to_script(row["case_id.title"], locale, script_of(row["case_id.script"])),
        region_code=row["case_id.region_code"],
        score=row["score"],
        level_label=ctx.texts.t(locale, f"rating.level.{row['score']}"),
        tag_labels=[ctx.texts.t(locale, f"rating.tag.{tag}") for tag in tags],
        comment=to_script(row["comment"], locale, script_of(row["script"])),
        rated_at=row["created_at"],
        flag_status=row["flag_status"],
        flag_reason=to_script(row["flag_reason"], locale, script_of(row["flag_script"])),
        flagged_by_name=to_script(row["flagged_by.name"] or "", locale, script_of(row["flagged_by.name_script"])),
        flagged_at=row["flagged_at"],
        decided_by_name=(
            to_script(row["decided_by.name"], locale, script_of(row["decided_by.name_script"]))
            if row["decided_by.name"] is not None
            else None
        ),
        decided_at=row["decided_at"],
        decision_note=to_script(row["decision_note"], locale, script_of(row["decision_script"])),
    )


async def flags(actor: CurrentUser, pending: bool, cursor: int | None, ctx: CaseContext) -> FlagPage:
    """Flagged ratings of cases in the caller's area: waiting for a decision (oldest first), or decided."""
    query = (
        Rating.select(
            Rating.id,
            Rating.case_id,
            Rating.score,
            Rating.tags,
            Rating.comment,
            Rating.script,
            Rating.created_at,
            Rating.flag_status,
            Rating.flag_reason,
            Rating.flag_script,
            Rating.flagged_at,
            Rating.decided_at,
            Rating.decision_note,
            Rating.decision_script,
            Rating.case_id.receipt_no,
            Rating.case_id.title,
            Rating.case_id.script,
            Rating.case_id.region_code,
            Rating.flagged_by.name,
            Rating.flagged_by.name_script,
            Rating.decided_by.name,
            Rating.decided_by.name_script,
        )
        .where(actor.scope.region_filter(Rating.case_id.region_code))
        .order_by(Rating.id, ascending=pending)
        .limit(PAGE_SIZE + 1)
    )
    if pending:
        query = query.where(Rating.flag_status == "flagged")
        if cursor is not None:
            query = query.where(Rating.id > cursor)
    else:
        query = query.where(Rating.flag_status.is_in(["upheld", "rejected"]))
        if cursor is not None:
            query = query.where(Rating.id < cursor)
    return paginate(
        await query, PAGE_SIZE, lambda row: _flag_view(row, actor.locale, ctx), cursor_of=lambda flag: flag.rating_id
    )
