"""Booking timers: keep two weeks of slots from the weekly patterns, and remind
residents the day before a visit (claimed per booking, so several runners fire once)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from backend.bookings import _slots as slots
from backend.bookings.tables import Booking
from backend.cases import service as cases
from backend.lib.db import existing, write_transaction
from backend.notifications import service as notifications


async def remind_tomorrow(now: datetime, tz: ZoneInfo) -> int:
    tomorrow = now.astimezone(tz).date() + timedelta(days=1)
    guard = (Booking.status == "booked") & Booking.reminded_at.is_null() & (Booking.slot.day == tomorrow)
    candidates = await Booking.select(Booking.id).where(guard).limit(500)
    fired = 0
    for candidate in candidates:
        async with write_transaction(Booking):
            claimed = (
                await Booking.update({Booking.reminded_at: now})
                .where((Booking.id == candidate["id"]) & Booking.reminded_at.is_null())
                .returning(Booking.id, Booking.case_id, Booking.resident)
            )
            if claimed:
                booking = claimed[0]
                about = existing(
                    await Booking.select(
                        Booking.slot.half_day,
                        Booking.case_id.title,
                        Booking.case_id.script,
                        Booking.case_id.kind,
                        Booking.case_id.service_code,
                    )
                    .where(Booking.id == booking["id"])
                    .first()
                )
                # 上午 / 下午 read the same in both scripts.
                when = f"{tomorrow.isoformat()} {'上午' if about['slot.half_day'] == 'am' else '下午'}"
                await notifications.notify(
                    booking["resident"],
                    "booking.reminder",
                    now,
                    booking["case_id"],
                    receipt_no=await cases.receipt_no(booking["case_id"]),
                    date=tomorrow.isoformat(),
                    title=about["case_id.title"],
                    title_script=about["case_id.script"],
                    when=when,
                    **await cases.naming(about["case_id.kind"], about["case_id.service_code"]),
                )
                fired += 1
    return fired


async def run(now: datetime, tz: ZoneInfo) -> int:
    await slots.generate(now.astimezone(tz).date())
    return await remind_tomorrow(now, tz)
