from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from backend.lib.workdays import WorkCalendar, due_soon_at

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


# The 2027 cases describe the real situation with chinesecalendar 1.11.0; once an
# upgrade publishes 2027 they no longer test the fallback (the 2099 test still does).
needs_2027_unknown = pytest.mark.skipif(_library_knows(2027), reason="chinesecalendar now has 2027 data")


def at(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    """A time of day in Shanghai, where the service desk works."""
    return datetime(y, m, d, hour, minute, tzinfo=SHANGHAI)


def end_of(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 23, 59, 59, 999999, tzinfo=SHANGHAI)


def test_one_working_day_from_a_weekday_ends_the_next_day():
    # Tuesday 2026-11-17 -> Wednesday 2026-11-18
    assert WorkCalendar().add_workdays(at(2026, 11, 17), 1, SHANGHAI) == end_of(2026, 11, 18)


def test_five_working_days_skip_the_weekend():
    # Wednesday 2026-11-18: Thu 19, Fri 20, Mon 23, Tue 24, Wed 25
    assert WorkCalendar().add_workdays(at(2026, 11, 18), 5, SHANGHAI) == end_of(2026, 11, 25)


def test_acceptance_on_friday_evening_counts_from_monday():
    assert WorkCalendar().add_workdays(at(2026, 11, 20, 21, 45), 1, SHANGHAI) == end_of(2026, 11, 23)


def test_acceptance_on_sunday_counts_from_monday():
    assert WorkCalendar().add_workdays(at(2026, 11, 22), 1, SHANGHAI) == end_of(2026, 11, 23)
    assert WorkCalendar().add_workdays(at(2026, 11, 22), 5, SHANGHAI) == end_of(2026, 11, 27)


def test_national_day_2026_is_skipped_and_the_make_up_saturday_counts():
    # Oct 1-7 off; Oct 8 (Thu), Oct 9 (Fri), Oct 10 (Sat, 调休上班) are working days.
    calendar = WorkCalendar()
    assert calendar.add_workdays(at(2026, 9, 30, 16), 3, SHANGHAI) == end_of(2026, 10, 10)
    # Sunday Oct 11 is an ordinary rest day, so the fourth day is Monday Oct 12.
    assert calendar.add_workdays(at(2026, 9, 30, 16), 4, SHANGHAI) == end_of(2026, 10, 12)


def test_make_up_saturday_is_the_next_working_day_after_friday():
    assert WorkCalendar().add_workdays(at(2026, 10, 9, 17), 1, SHANGHAI) == end_of(2026, 10, 10)


def test_mid_autumn_2026_weekend_is_a_holiday_not_a_make_up_day():
    calendar = WorkCalendar()
    assert [calendar.is_workday(date(2026, 9, d)) for d in range(24, 29)] == [
        True,  # Thu 24
        False,  # Fri 25, 中秋节
        False,  # Sat 26
        False,  # Sun 27
        True,  # Mon 28
    ]


def test_calendar_agrees_with_chinesecalendar_on_every_day_it_covers():
    calendar = WorkCalendar()
    day, last = date(2004, 1, 1), date(2026, 12, 31)
    while day <= last:
        assert calendar.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


@needs_2027_unknown
def test_deadline_runs_into_2027_on_monday_to_friday():
    # Mon 2026-12-28: Dec 29, 30, 31, Fri Jan 1 2027 (unknown year, so a working
    # day), Jan 4-8, Mon Jan 11 is the tenth.
    assert WorkCalendar().add_workdays(at(2026, 12, 28), 10, SHANGHAI) == end_of(2027, 1, 11)


@needs_2027_unknown
def test_override_makes_new_years_day_2027_a_holiday():
    calendar = WorkCalendar({date(2027, 1, 1): False})
    assert not calendar.is_workday(date(2027, 1, 1))
    assert WorkCalendar().is_workday(date(2027, 1, 1))
    assert calendar.add_workdays(at(2026, 12, 28), 10, SHANGHAI) == end_of(2027, 1, 12)


@needs_2027_unknown
def test_override_makes_a_2027_saturday_a_working_day():
    calendar = WorkCalendar({date(2027, 1, 9): True})
    assert calendar.add_workdays(at(2026, 12, 28), 10, SHANGHAI) == end_of(2027, 1, 9)


def test_years_without_data_fall_back_to_monday_to_friday():
    # Fri 2099-01-02 and the following weekend; no year beyond the package's data raises.
    calendar = WorkCalendar()
    assert calendar.add_workdays(at(2099, 1, 1), 2, SHANGHAI) == end_of(2099, 1, 5)
    assert calendar.add_workdays(at(2003, 12, 31), 1, SHANGHAI) == end_of(2004, 1, 2)


def test_overrides_win_over_chinesecalendar():
    calendar = WorkCalendar({date(2026, 11, 21): True, date(2026, 10, 10): False})
    assert calendar.add_workdays(at(2026, 11, 20), 1, SHANGHAI) == end_of(2026, 11, 21)
    assert calendar.add_workdays(at(2026, 9, 30), 3, SHANGHAI) == end_of(2026, 10, 12)


def test_count_starts_from_the_shanghai_date_and_ends_at_shanghai_midnight():
    # 17:30 UTC on Friday Nov 20 is 01:30 on Saturday Nov 21 in Shanghai.
    deadline = WorkCalendar().add_workdays(datetime(2026, 11, 20, 17, 30, tzinfo=UTC), 1, SHANGHAI)
    assert deadline == datetime(2026, 11, 23, 15, 59, 59, 999999, tzinfo=UTC)
    assert deadline.tzinfo is UTC
    assert deadline.astimezone(SHANGHAI).date() == date(2026, 11, 23)
    assert (deadline + timedelta(microseconds=1)).astimezone(SHANGHAI).date() == date(2026, 11, 24)


def test_count_does_not_start_from_the_utc_date():
    # Thursday 17:30 UTC is already Friday in Shanghai, so one day runs to Monday, not Friday.
    deadline = WorkCalendar().add_workdays(datetime(2026, 11, 19, 17, 30, tzinfo=UTC), 1, SHANGHAI)
    assert deadline == datetime(2026, 11, 23, 15, 59, 59, 999999, tzinfo=UTC)


def test_start_in_another_offset_gives_the_same_deadline():
    same_instant = at(2026, 11, 20, 21, 45).astimezone(timezone(timedelta(hours=-5)))
    assert WorkCalendar().add_workdays(same_instant, 1, SHANGHAI) == end_of(2026, 11, 23)


def test_workdays_between_counts_after_the_start_date_up_to_the_end_date():
    calendar = WorkCalendar()
    assert calendar.workdays_between(at(2026, 11, 17, 9), at(2026, 11, 17, 18), SHANGHAI) == 0
    assert calendar.workdays_between(at(2026, 11, 17, 18), at(2026, 11, 18, 8), SHANGHAI) == 1
    assert calendar.workdays_between(at(2026, 11, 20, 18), at(2026, 11, 23, 9), SHANGHAI) == 1
    assert calendar.workdays_between(at(2026, 11, 20), at(2026, 11, 22), SHANGHAI) == 0
    assert calendar.workdays_between(at(2026, 9, 30), at(2026, 10, 10), SHANGHAI) == 3
    assert calendar.workdays_between(at(2026, 11, 23), at(2026, 11, 20), SHANGHAI) == 0


def test_workdays_between_uses_local_dates():
    # Saturday 01:30 in Shanghai to Monday 09:00 in Shanghai: one working day.
    start, end = datetime(2026, 11, 20, 17, 30, tzinfo=UTC), datetime(2026, 11, 23, 1, tzinfo=UTC)
    assert WorkCalendar().workdays_between(start, end, SHANGHAI) == 1


def test_workdays_between_agrees_with_add_workdays():
    calendar = WorkCalendar({date(2027, 1, 1): False})
    start = at(2026, 12, 28, 15)
    for days in (1, 3, 10, 20, 120):
        deadline = calendar.add_workdays(start, days, SHANGHAI)
        assert calendar.workdays_between(start, deadline, SHANGHAI) == days


def test_due_soon_is_at_eighty_percent_of_the_time_limit():
    accepted = datetime(2026, 11, 17, 2, tzinfo=UTC)
    assert due_soon_at(accepted, accepted + timedelta(days=10)) == accepted + timedelta(days=8)
    assert due_soon_at(accepted, accepted + timedelta(days=10), 0.5) == accepted + timedelta(days=5)


def test_due_soon_for_a_real_deadline_falls_between_acceptance_and_deadline():
    accepted = at(2026, 9, 30, 16)
    deadline = WorkCalendar().add_workdays(accepted, 3, SHANGHAI)
    assert accepted < due_soon_at(accepted, deadline) < deadline
    assert due_soon_at(accepted, deadline) - accepted == (deadline - accepted) * 0.8


@pytest.mark.parametrize("days", [0, -1])
def test_limit_below_one_working_day_is_refused(days):
    with pytest.raises(ValueError, match="days must be at least 1"):
        WorkCalendar().add_workdays(at(2026, 11, 17), days, SHANGHAI)


def test_naive_times_are_refused():
    calendar = WorkCalendar()
    naive = datetime(2026, 11, 17, 10)  # noqa: DTZ001 - naive on purpose: the test is that it is refused
    with pytest.raises(ValueError, match="must be a timezone-aware datetime"):
        calendar.add_workdays(naive, 1, SHANGHAI)
    with pytest.raises(ValueError, match="must be a timezone-aware datetime"):
        calendar.workdays_between(naive, at(2026, 11, 18), SHANGHAI)
    with pytest.raises(ValueError, match="must be a timezone-aware datetime"):
        calendar.workdays_between(at(2026, 11, 17), naive.replace(day=18), SHANGHAI)


def test_due_soon_fraction_outside_zero_to_one_is_refused():
    accepted = datetime(2026, 11, 17, 2, tzinfo=UTC)
    with pytest.raises(ValueError, match="fraction must be between 0 and 1"):
        due_soon_at(accepted, accepted + timedelta(days=1), 1.5)


def test_is_workday_refuses_a_datetime_whose_date_depends_on_the_time_zone():
    with pytest.raises(TypeError):
        WorkCalendar().is_workday(datetime(2026, 11, 20, 17, 30, tzinfo=UTC))  # type: ignore[arg-type]  # a datetime on purpose: the test is that it is refused


def test_overrides_that_close_every_day_give_up_instead_of_looping():
    first = date(2026, 11, 18)
    closed = {first + timedelta(days=n): False for n in range(4000)}
    with pytest.raises(ValueError, match="working days within"):
        WorkCalendar(closed).add_workdays(at(2026, 11, 17), 1, SHANGHAI)
