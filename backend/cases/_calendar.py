"""The working-day calendar with the admin's holiday overrides from the database."""

from __future__ import annotations

from datetime import date

from backend.cases.structs import HolidayItem, HolidayYear
from backend.cases.tables import Holiday
from backend.lib.db import write_transaction
from backend.lib.errors import Invalid
from backend.lib.workdays import WorkCalendar


async def calendar() -> WorkCalendar:
    rows = await Holiday.select(Holiday.day, Holiday.is_workday)
    return WorkCalendar({row["day"]: row["is_workday"] for row in rows})


async def year(value: int) -> HolidayYear:
    rows = (
        await Holiday.select()
        .where((Holiday.day >= date(value, 1, 1)) & (Holiday.day <= date(value, 12, 31)))
        .order_by(Holiday.day)
    )
    items = [HolidayItem(date=row["day"], is_workday=row["is_workday"], note=row["note"]) for row in rows]
    return HolidayYear(year=value, items=items)


async def replace_year(data: HolidayYear) -> HolidayYear:
    """Make ``data.items`` the year's whole list of overrides."""
    days = [item.date for item in data.items]
    if any(day.year != data.year for day in days):
        raise Invalid("holiday.wrong_year", field="items", year=data.year)
    if len(set(days)) != len(days):
        raise Invalid("holiday.duplicate_date", field="items")
    async with write_transaction(Holiday):
        await Holiday.delete().where((Holiday.day >= date(data.year, 1, 1)) & (Holiday.day <= date(data.year, 12, 31)))
        if data.items:
            await Holiday.insert(
                *(Holiday(day=item.date, is_workday=item.is_workday, note=item.note) for item in data.items)
            )
    return await year(data.year)
