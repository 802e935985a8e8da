"""BIANMIN_WORKING_HOURS and the working day an off-hours filing starts on (lib/workdays.py)."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from backend.lib.workdays import WorkCalendar
from backend.settings import Settings, SettingsError

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("value", ["9-5", "08:30", "17:30-08:30", "08:30-08:30", "25:00-26:00", "08:30-24:30"])
def test_unusable_office_hours_stop_the_start(value):
    with pytest.raises(SettingsError, match="BIANMIN_WORKING_HOURS"):
        Settings.from_env({"BIANMIN_WORKING_HOURS": value})


def test_office_hours_default_and_a_day_long_office():
    assert Settings.from_env({}).office_hours == (time(8, 30), time(17, 30))
    opens, closes = Settings.from_env({"BIANMIN_WORKING_HOURS": "00:00-24:00"}).office_hours
    late = datetime(2026, 11, 23, 23, 59, tzinfo=SHANGHAI).astimezone(UTC)
    assert WorkCalendar().handling_starts_on(late, SHANGHAI, opens, closes) is None


def test_the_overrides_decide_the_start_day_in_a_year_without_national_data():
    friday_evening = datetime(2027, 1, 1, 19, tzinfo=SHANGHAI).astimezone(UTC)
    hours = (time(8, 30), time(17, 30))
    assert WorkCalendar().handling_starts_on(friday_evening, SHANGHAI, *hours) == date(2027, 1, 4)
    overrides = {date(2027, 1, 4): False, date(2027, 1, 3): True}
    assert WorkCalendar(overrides).handling_starts_on(friday_evening, SHANGHAI, *hours) == date(2027, 1, 3)
