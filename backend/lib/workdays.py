"""The working-day (工作日) calendar of mainland China, for deadlines and statistics.

A day is a working day by, in order: the admin-managed ``holiday`` table
(passed in as ``overrides``), then ``chinesecalendar`` for the years it has
data for, then plain Monday–Friday. The last step matters: the package only
knows the years the State Council has already announced, and a case accepted
in late December has its deadline in a year nobody has announced yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

# Ten years of calendar days: far beyond any legal time limit, so reaching it
# means the overrides have switched off every working day, not a long case.
_MAX_SCAN_DAYS = 3660


def _require_aware(value: datetime, name: str) -> None:
    # A naive time has no local date in ``tz``; guessing one would move deadlines by a day.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")


class WorkCalendar:
    """Which days are working days, and deadlines counted in them.

    Cheap to build; build one per set of overrides (for example per request,
    after reading the ``holiday`` table) rather than sharing a mutable one.
    """

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        # Copied so an admin edit to the caller's mapping cannot change a calendar mid-count.
        self._overrides: dict[date, bool] = dict(overrides or {})
        self._year_has_data: dict[int, bool] = {}

    def _has_data(self, year: int) -> bool:
        known = self._year_has_data.get(year)
        if known is None:
            # Ask the package itself rather than hard-coding its range, so an
            # upgrade that adds a year is picked up without a code change.
            try:
                chinese_calendar.is_workday(date(year, 1, 1))
            except NotImplementedError:
                known = False
            else:
                known = True
            self._year_has_data[year] = known
        return known

    def national_data(self, year: int) -> bool:
        """Whether ``chinesecalendar`` knows ``year`` (the State Council has announced it).

        >>> WorkCalendar().national_data(2026), WorkCalendar().national_data(2099)
        (True, False)
        """
        return self._has_data(year)

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day.

        >>> WorkCalendar().is_workday(date(2026, 10, 10))  # Saturday, make-up day after National Day
        True
        >>> WorkCalendar({date(2027, 1, 1): False}).is_workday(date(2027, 1, 1))
        False
        """
        if isinstance(day, datetime):
            # A datetime's date depends on the time zone; callers must pick the local date.
            raise TypeError(f"is_workday takes a date, not a datetime: {day!r}")
        override = self._overrides.get(day)
        if override is not None:
            return override
        if self._has_data(day.year):
            # Same rule as chinese_calendar.is_workday, read from its published
            # tables: that function re-scans the whole table for its year range on
            # every call (~20 µs), which makes a one-year deadline take ~10 ms.
            return day in chinese_calendar.workdays or (day.weekday() < 5 and day not in chinese_calendar.holidays)
        return day.weekday() < 5

    def add_workdays(self, start: datetime, days: int, tz: ZoneInfo) -> datetime:
        """The deadline for something accepted at ``start`` with a limit of ``days`` working days.

        Counted as in 限时办结 ("自受理之日起N个工作日内办结"): the acceptance
        day does not count, day 1 is the first working day after the local date
        of ``start``, and the deadline is the end of the N-th working day in
        ``tz``, returned in UTC.

        >>> shanghai = ZoneInfo("Asia/Shanghai")
        >>> WorkCalendar().add_workdays(datetime(2026, 9, 30, 2, tzinfo=UTC), 3, shanghai)
        datetime.datetime(2026, 10, 10, 15, 59, 59, 999999, tzinfo=datetime.timezone.utc)
        """
        _require_aware(start, "start")
        if days < 1:
            raise ValueError(f"days must be at least 1, got {days}")
        day = start.astimezone(tz).date()
        remaining = days
        for _ in range(_MAX_SCAN_DAYS):
            day += timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
                if remaining == 0:
                    return datetime.combine(day, time.max, tzinfo=tz).astimezone(UTC)
        raise ValueError(
            f"no {days} working days within {_MAX_SCAN_DAYS} days of {start.isoformat()}; check the holiday overrides"
        )

    def next_workday(self, day: date) -> date:
        """The first working day after ``day``.

        >>> WorkCalendar().next_workday(date(2026, 2, 13))  # Friday before the 2026 Spring Festival
        datetime.date(2026, 2, 14)
        """
        for _ in range(_MAX_SCAN_DAYS):
            day += timedelta(days=1)
            if self.is_workday(day):
                return day
        raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days of {day}; check the holiday overrides")

    def handling_starts_on(self, at: datetime, tz: ZoneInfo, opens: time, closes: time) -> date | None:
        """The working day the office starts on something filed at ``at``; None within office hours.

        On a working day before ``opens``: that day; after ``closes`` or on a day off:
        the next working day. Office hours are local times in ``tz``.

        >>> shanghai, hours = ZoneInfo("Asia/Shanghai"), (time(8, 30), time(17, 30))
        >>> WorkCalendar().handling_starts_on(datetime(2026, 1, 2, 12, tzinfo=UTC), shanghai, *hours)  # Fri 20:00
        datetime.date(2026, 1, 4)
        >>> WorkCalendar().handling_starts_on(datetime(2026, 1, 5, 2, tzinfo=UTC), shanghai, *hours) is None
        True
        """
        _require_aware(at, "at")
        local = at.astimezone(tz)
        day, moment = local.date(), local.time()
        if self.is_workday(day):
            if opens <= moment < closes:
                return None
            if moment < opens:
                return day
        return self.next_workday(day)

    def workdays_between(self, start: datetime, end: datetime, tz: ZoneInfo) -> int:
        """Working days after the local date of ``start``, up to and including that of ``end``.

        Counted like :meth:`add_workdays`, so a reply on the next working day
        is 1 ("responded within 1 working day") and a reply on the same day is 0.

        >>> shanghai = ZoneInfo("Asia/Shanghai")
        >>> friday, monday = datetime(2026, 11, 20, 2, tzinfo=UTC), datetime(2026, 11, 23, 2, tzinfo=UTC)
        >>> WorkCalendar().workdays_between(friday, monday, shanghai)
        1
        """
        _require_aware(start, "start")
        _require_aware(end, "end")
        day, last = start.astimezone(tz).date(), end.astimezone(tz).date()
        count = 0
        while day < last:
            day += timedelta(days=1)
            count += self.is_workday(day)
        return count


def due_soon_at(accepted_at: datetime, deadline: datetime, fraction: float = 0.8) -> datetime:
    """The instant ``fraction`` of the way from acceptance to deadline (the due-soon reminder).

    >>> due_soon_at(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 11, tzinfo=UTC))
    datetime.datetime(2026, 1, 9, 0, 0, tzinfo=datetime.timezone.utc)
    """
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction}")
    return accepted_at + (deadline - accepted_at) * fraction
