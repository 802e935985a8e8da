"""The working-day calendar with a county admin's holiday overrides from the database.

Overrides belong to one county (the first 6 digits of a region code): an admin's
days off move the deadlines of their county's cases only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.cases.structs import HolidayItem, HolidayYear
from backend.cases.tables import Holiday
from backend.lib.auth import CODE_LENGTH
from backend.lib.db import write_transaction
from backend.lib.errors import Invalid
from backend.lib.workdays import WorkCalendar


def county_of(region_code: str | None) -> str:
    """The county a region lies in: its code's first 6 digits ("" for none)."""
    return (region_code or "")[: CODE_LENGTH["county"]]


async def calendar(region_code: str | None) -> WorkCalendar:
    """The working days where ``region_code`` lies (its county's overrides, then the national calendar)."""
    rows = await Holiday.select(Holiday.day, Holiday.is_workday).where(Holiday.county == county_of(region_code))
    return WorkCalendar({row["day"]: row["is_workday"] for row in rows})


def _in_year(county: str, value: int) -> Any:
    return (Holiday.county == county) & (Holiday.day >= date(value, 1, 1)) & (Holiday.day <= date(value, 12, 31))


async def year(county: str, value: int) -> HolidayYear:
    """The overrides ``county`` has in year ``value``."""
    rows = await Holiday.select().where(_in_year(county, value)).order_by(Holiday.day)
    items = [HolidayItem(date=row["day"], is_workday=row["is_workday"], note=row["note"]) for row in rows]
    return HolidayYear(year=value, items=items)


async def replace_year(county: str, data: HolidayYear) -> HolidayYear:
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
