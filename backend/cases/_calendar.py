"""The working-day calendar with a county admin's holiday overrides from the database.

Overrides belong to one county (the first 6 digits of a region code): an admin's
days off move the deadlines of their county's cases only.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from backend.cases._notice import NoticeUnreadable, parse_notice
from backend.cases.structs import (
    OPEN_STATUSES,
    HolidayCalendar,
    HolidayImport,
    HolidayImportResult,
    HolidayItem,
    HolidayStatus,
    HolidayYear,
)
from backend.cases.tables import Case, CaseEvent, Holiday, HolidayNotice
from backend.lib.audit import audit
from backend.lib.auth import CODE_LENGTH, code_range
from backend.lib.db import write_transaction
from backend.lib.errors import AppError, Invalid
from backend.lib.workdays import WorkCalendar, due_soon_at

#: From this month on, next year is checked too: the State Council announces it in
#: October or November, and cases accepted at the year's end reach into it.
NEXT_YEAR_FROM_MONTH = 10


def county_of(region_code: str | None) -> str:
    """The county a region lies in: its code's first 6 digits ("" for none)."""
    return (region_code or "")[: CODE_LENGTH["county"]]


async def calendar(region_code: str | None) -> WorkCalendar:
    """The working days where ``region_code`` lies (its county's overrides, then the national calendar)."""
    rows = await Holiday.select(Holiday.day, Holiday.is_workday).where(Holiday.county == county_of(region_code))
    return WorkCalendar({row["day"]: row["is_workday"] for row in rows})


def _in_year(county: str, value: int) -> Any:
    return (Holiday.county == county) & (Holiday.day >= date(value, 1, 1)) & (Holiday.day <= date(value, 12, 31))


async def _overrides(county: str) -> dict[date, bool]:
    rows = await Holiday.select(Holiday.day, Holiday.is_workday).where(Holiday.county == county)
    return {row["day"]: row["is_workday"] for row in rows}


async def year(county: str, value: int) -> HolidayCalendar:
    """The overrides ``county`` has in year ``value``, and whether the year is known there."""
    rows = await Holiday.select().where(_in_year(county, value)).order_by(Holiday.day)
    items = [HolidayItem(date=row["day"], is_workday=row["is_workday"], note=row["note"]) for row in rows]
    notice = (
        await HolidayNotice.select(HolidayNotice.entered_at)
        .where((HolidayNotice.county == county) & (HolidayNotice.year == value))
        .first()
    )
    national = WorkCalendar().national_data(value)
    return HolidayCalendar(
        year=value,
        items=items,
        calendar_known=national or notice is not None,
        national=national,
        notice_entered_at=notice["entered_at"] if notice else None,
    )


async def status(county: str, now: datetime, tz: ZoneInfo) -> HolidayStatus:
    """The years whose deadlines in ``county`` stand on Monday–Friday guesses: no national data, no notice.

    Checked: this year, next year from October on, and every year up to the latest
    deadline of the county's open cases. The warning ends when a notice is imported.
    """
    today = now.astimezone(tz).date()
    last = today.year + (1 if today.month >= NEXT_YEAR_FROM_MONTH else 0)
    low, high = code_range(county)
    row = (
        await Case.select(Case.deadline)
        .where(
            (Case.region_code >= low)
            & (Case.region_code < high)
            & Case.status.is_in(list(OPEN_STATUSES))
            & Case.deadline.is_not_null()
        )
        .order_by(Case.deadline, ascending=False)
        .first()
    )
    latest = row["deadline"] if row else None
    if latest is not None:
        # Ten years at most: a deadline further out is a typo, not a year to enter.
        last = min(max(last, latest.astimezone(tz).year), today.year + 10)
    checked = list(range(today.year, last + 1))
    entered = {
        row["year"]
        for row in await HolidayNotice.select(HolidayNotice.year).where(
            (HolidayNotice.county == county) & HolidayNotice.year.is_in(checked)
        )
    }
    work = WorkCalendar()
    return HolidayStatus(
        unknown_years=[value for value in checked if not work.national_data(value) and value not in entered],
        checked_years=checked,
    )


async def import_notice(
    county: str, actor_id: int, data: HolidayImport, now: datetime, tz: ZoneInfo
) -> HolidayImportResult:
    """Enter ``data.year``'s State Council notice for ``county``: its days become overrides.

    The days the notice names replace those days' overrides (the admin's other
    overrides stay), the year counts as known from now on, and the open cases whose
    deadline is not yet due and lies on or after the first day the notice changes
    have it recounted on the corrected calendar: the same number of working days from
    acceptance, moved later only, never earlier (docs/DESIGN.md, "Holiday notices").
    A notice with a line that cannot be read changes nothing.
    """
    try:
        items = parse_notice(data.text, data.year)
    except NoticeUnreadable as exc:
        if not exc.problems:
            raise Invalid("holiday.notice_empty", field="text") from None
        first = exc.problems[0]
        raise AppError(
            400,
            first.reason,
            details={
                "field": "text",
                "lines": [{"line": p.line, "text": p.text, "code": p.reason} for p in exc.problems],
            },
            line=first.line,
            text=first.text,
            count=len(exc.problems),
            year=data.year,
        ) from None
    if data.dry_run:
        before = await _overrides(county)
        after = {**before, **{item.date: item.is_workday for item in items}}
        moves = await _moved_deadlines(county, WorkCalendar(before), WorkCalendar(after), items, now, tz)
    else:
        async with write_transaction(Holiday):
            # Read inside the write, so the deadlines moved are those stored when the days change.
            before = await _overrides(county)
            after = {**before, **{item.date: item.is_workday for item in items}}
            moves = await _moved_deadlines(county, WorkCalendar(before), WorkCalendar(after), items, now, tz)
            await Holiday.delete().where((Holiday.county == county) & Holiday.day.is_in([item.date for item in items]))
            await Holiday.insert(
                *(Holiday(county=county, day=item.date, is_workday=item.is_workday, note=item.note) for item in items)
            )
            await HolidayNotice.delete().where((HolidayNotice.county == county) & (HolidayNotice.year == data.year))
            await HolidayNotice.insert(
                HolidayNotice(county=county, year=data.year, entered_at=now, entered_by=actor_id, notice=data.text)
            )
            moved = []
            for move in moves:
                values: dict[Any, Any] = {Case.deadline: move.deadline, Case.due_soon_at: move.due_soon_at}
                values[Case.updated_at] = now
                if move.remind_again:
                    values[Case.reminded_at] = None
                # Only the deadline that was read: one changed meanwhile (a pause ending) keeps its new value.
                if (
                    await Case.update(values)
                    .where((Case.id == move.case_id) & (Case.deadline == move.was))
                    .returning(Case.id)
                ):
                    moved.append(move)
                    await CaseEvent.insert(
                        CaseEvent(
                            case=move.case_id, at=now, actor=actor_id, action="deadline_moved", note="", media="[]"
                        )
                    )
            moves = moved
            await audit(
                actor_id,
                "holiday.import",
                "holiday_year",
                data.year,
                {"county": county, "days": len(items), "moved_cases": len(moves)},
                at=now,
            )
    return HolidayImportResult(
        year=data.year,
        dry_run=data.dry_run,
        items=items,
        moved_cases=len(moves),
        calendar=await year(county, data.year),
    )


class _Move(NamedTuple):
    case_id: int
    was: datetime
    deadline: datetime
    due_soon_at: datetime
    #: The due-soon reminder fired, and its new instant is still to come: it fires again then.
    remind_again: bool


async def _moved_deadlines(
    county: str,
    before: WorkCalendar,
    after: WorkCalendar,
    items: list[HolidayItem],
    now: datetime,
    tz: ZoneInfo,
) -> list[_Move]:
    """Each open, not yet due deadline of ``county`` that the changed days move later."""
    if not items or not county:
        return []
    first = datetime.combine(min(item.date for item in items), time.min, tzinfo=tz)
    low, high = code_range(county)
    rows = await Case.select(Case.id, Case.accepted_at, Case.deadline, Case.due_soon_at, Case.reminded_at).where(
        (Case.region_code >= low)
        & (Case.region_code < high)
        & Case.status.is_in(list(OPEN_STATUSES))
        & Case.accepted_at.is_not_null()
        & (Case.deadline > now)
        & (Case.deadline >= first)
    )
    moves = []
    for row in rows:
        accepted, deadline = row["accepted_at"], row["deadline"]
        if deadline.astimezone(tz).time() != time.max:
            continue  # not the end of a working day (an hour limit): the calendar does not set it
        span = before.workdays_between(accepted, deadline, tz)
        moved = after.add_workdays(accepted, span, tz) if span > 0 else deadline
        if moved > deadline:
            soon = due_soon_at(accepted, moved)
            moves.append(_Move(row["id"], deadline, moved, soon, row["reminded_at"] is not None and soon > now))
    return moves


async def replace_year(county: str, data: HolidayYear) -> HolidayCalendar:
    """Make ``data.items`` the whole list of ``county``'s overrides in the year."""
    days = [item.date for item in data.items]
    if any(day.year != data.year for day in days):
        raise Invalid("holiday.wrong_year", field="items", year=data.year)
    if len(set(days)) != len(days):
        raise Invalid("holiday.duplicate_date", field="items")
    async with write_transaction(Holiday):
        await Holiday.delete().where(_in_year(county, data.year))
        if data.items:
            await Holiday.insert(
                *(
                    Holiday(county=county, day=item.date, is_workday=item.is_workday, note=item.note)
                    for item in data.items
                )
            )
    return await year(county, data.year)
