"""The case clock: deadlines in working days or hours, pauses (时限中止), and the colours.

A case's ``deadline`` is stored as it now stands: acceptance sets it, the end of a
pause and an agreed extension move it, so every reader (the flags, the lists, the
timers, the statistics) compares with one column and none recomputes the rules.

- A working-day case paused from one local date to another moves by the working days
  after the pause's date up to and including the resume's date (``workdays_between``):
  a pause within one day moves nothing, Friday to Monday moves 1.
- An urgent case (加急) counts calendar hours and moves by the exact time paused.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import msgspec

from backend.cases import _calendar as calendar
from backend.cases.structs import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    CaseRecord,
    CaseSummaryRecord,
    Extension,
    Pause,
    Person,
    Signal,
)
from backend.cases.tables import Case as Row
from backend.cases.tables import CaseExtension, CasePause
from backend.lib.i18n import Locale, to_script
from backend.lib.workdays import WorkCalendar, due_soon_at

if TYPE_CHECKING:
    from backend.cases._cases import Context

HOUR = timedelta(hours=1)


class Flags:
    """What a case's clock says at ``now``: the flags and the one colour (``signal``).

    Overdue wins over due soon, due soon over silent; a paused case is none of them.
    """

    __slots__ = ("due_soon", "overdue", "signal", "silent")

    def __init__(self, case: CaseSummaryRecord, now: datetime) -> None:
        self.due_soon = self.overdue = self.silent = False
        self.signal: Signal | None = None
        if case.status not in OPEN_STATUSES or case.deadline is None:
            return
        if case.status not in RUNNING_STATUSES:
            self.signal = "paused"
            return
        self.overdue = now > case.deadline
        self.due_soon = not self.overdue and case.due_soon_at is not None and now >= case.due_soon_at
        self.silent = case.silent_at is not None and now >= case.silent_at
        self.signal = (
            "overdue" if self.overdue else "due_soon" if self.due_soon else "silent" if self.silent else "on_track"
        )


def deadline_from(start: datetime, case: CaseSummaryRecord, days: int, work: WorkCalendar, ctx: Context) -> datetime:
    """The deadline of a case accepted at ``start``: ``time_limit_hours`` later if urgent, else
    the end of the ``days``-th working day (限时办结)."""
    if case.urgent and case.time_limit_hours:
        return start + case.time_limit_hours * HOUR
    return work.add_workdays(start, days, ctx.tz)


def moved(case: CaseRecord, deadline: datetime, now: datetime) -> dict[Any, Any]:
    """The columns of a deadline moved to ``deadline``: its due-soon instant (80 % from
    acceptance), and the reminder and escalation made ready to fire again if now premature."""
    values: dict[Any, Any] = {Row.deadline: deadline}
    if case.accepted_at is not None:
        soon = due_soon_at(case.accepted_at, deadline)
        values[Row.due_soon_at] = soon
        if soon > now:
            values[Row.reminded_at] = None
    if deadline > now:
        values[Row.escalated_at] = None
    return values


async def stop(case_id: int, actor_id: int, now: datetime) -> None:
    """Stop the clock (request_info); the partial unique index keeps one running pause per case."""
    await CasePause.raw(
        "INSERT INTO case_pause (case_id, started_at, started_by) VALUES ({}, {}, {})", case_id, now, actor_id
    )


class Restart(msgspec.Struct, frozen=True):
    """What ending a pause changes: the case's columns, and the pause's own."""

    values: dict[Any, Any]
    pause_id: int | None = None
    working_days: int | None = None
    hours: int | None = None


async def restart(case: CaseRecord, now: datetime, ctx: Context) -> Restart:
    """Restart the clock (supply_info): the moved deadline, for the move's own UPDATE, and
    the pause to close once the move has won (``close``)."""
    pause = (
        await CasePause.select(CasePause.id, CasePause.started_at)
        .where((CasePause.case == case.id) & CasePause.ended_at.is_null())
        .first()
    )
    if pause is None or case.deadline is None:
        return Restart(values={})  # paused before the clock kept pauses: the deadline stays as it was
    started: datetime = pause["started_at"]
    if case.urgent:
        elapsed = max(now - started, timedelta(0))
        return Restart(moved(case, case.deadline + elapsed, now), pause["id"], hours=int(elapsed / HOUR))
    work = await calendar.calendar(case.region_code)
    days = work.workdays_between(started, now, ctx.tz)
    values = moved(case, work.add_workdays(case.deadline, days, ctx.tz), now) if days else {}
    return Restart(values, pause["id"], working_days=days)


async def close(restarted: Restart, actor_id: int, now: datetime) -> None:
    if restarted.pause_id is None:
        return
    await CasePause.update(
        {
            CasePause.ended_at: now,
            CasePause.working_days: restarted.working_days,
            CasePause.hours: restarted.hours,
            CasePause.ended_by: actor_id,
        }
    ).where(CasePause.id == restarted.pause_id)


async def heard(case: CaseSummaryRecord, now: datetime, ctx: Context) -> dict[Any, Any]:
    """The resident has news (an event told her, or she acted): the silence starts again."""
    work = await calendar.calendar(case.region_code)
    return {Row.silent_at: work.add_workdays(now, ctx.silent_days, ctx.tz), Row.silent_warned_at: None}


#: A case's clock in one query: its pauses, its extensions (with the people they name) and
#: its county's working-day overrides (for the working days left), as rows of one shape.
_CLOCK = """SELECT 'extension' AS kind, case_extension.id AS id, case_extension.requested_at AS first_at,
    case_extension.answered_at AS second_at, case_extension.days AS number, NULL AS hours,
    case_extension.reason AS text, case_extension.agreed_by_name AS name, case_extension.status AS status,
    case_extension.consent AS consent,
    asker.id AS "asker.id", asker.name AS "asker.name", asker.role AS "asker.role",
    recorder.id AS "recorder.id", recorder.name AS "recorder.name", recorder.role AS "recorder.role"
    FROM case_extension JOIN app_user AS asker ON asker.id = case_extension.requested_by
    LEFT JOIN app_user AS recorder ON recorder.id = case_extension.recorded_by
    WHERE case_extension.case_id = {}
    UNION ALL SELECT 'pause', case_pause.id, case_pause.started_at, case_pause.ended_at, case_pause.working_days,
    case_pause.hours, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM case_pause WHERE case_pause.case_id = {}
    UNION ALL SELECT 'workday', NULL, NULL, NULL, CASE WHEN holiday.is_workday THEN 1 ELSE 0 END, NULL,
    CAST(holiday.day AS TEXT), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM holiday WHERE holiday.county = {}
    ORDER BY 1, 2"""


class Clock(msgspec.Struct, frozen=True):
    """A case's pauses (oldest first), extensions (oldest first) and working-day calendar."""

    pauses: list[Pause]
    extensions: list[Extension]
    work: WorkCalendar


def _at(value: Any) -> Any:
    """A time of the clock query: SQLite may hand a UNION's times back as ISO 8601 text."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _person(row: dict[str, Any], prefix: str) -> Person | None:
    if row[f"{prefix}.id"] is None:
        return None
    return Person(id=row[f"{prefix}.id"], name=row[f"{prefix}.name"], role=row[f"{prefix}.role"])


async def read(case_id: int, region_code: str, locale: Locale) -> Clock:
    """The case's clock as ``locale`` reads it (typed text in the reader's script), in one query."""
    rows = await CaseExtension.raw(_CLOCK, case_id, case_id, calendar.county_of(region_code))
    stops, asked, overrides = [], [], {}
    for row in rows:
        if row["kind"] == "workday":
            overrides[date.fromisoformat(row["text"][:10])] = bool(row["number"])
        elif row["kind"] == "pause":
            stops.append(
                Pause(
                    started_at=_at(row["first_at"]),
                    ended_at=_at(row["second_at"]),
                    working_days=row["number"],
                    hours=row["hours"],
                )
            )
        else:
            asker = _person(row, "asker")
            assert asker is not None  # noqa: S101 - an inner join: every extension has its asker
            asked.append(
                Extension(
                    id=row["id"],
                    days=row["number"],
                    reason=to_script(row["text"], locale),
                    status=row["status"],
                    requested_by=asker,
                    requested_at=_at(row["first_at"]),
                    answered_at=_at(row["second_at"]),
                    consent=row["consent"],
                    agreed_by_name=to_script(row["name"], locale) if row["name"] is not None else None,
                    recorded_by=_person(row, "recorder"),
                )
            )
    return Clock(pauses=stops, extensions=asked, work=WorkCalendar(overrides))


def remaining(case: CaseRecord, clock: Clock, now: datetime, ctx: Context) -> tuple[int | None, int | None]:
    """Working days (or, urgent, whole hours) left to the deadline; frozen at the pause's start
    while paused; (None, None) when overdue or not open."""
    if case.status not in OPEN_STATUSES or case.deadline is None:
        return None, None
    running = next((stop.started_at for stop in clock.pauses if stop.ended_at is None), None)
    at = running if case.status not in RUNNING_STATUSES and running is not None else now
    if at > case.deadline:
        return None, None
    if case.urgent:
        return None, int((case.deadline - at) / HOUR)
    return clock.work.workdays_between(at, case.deadline, ctx.tz), None


async def extension(case_id: int, region_code: str, locale: Locale, extension_id: int) -> Extension:
    """One extension as ``locale`` reads it (the answer of the extension endpoints)."""
    read_clock = await read(case_id, region_code, locale)
    return next(item for item in read_clock.extensions if item.id == extension_id)
