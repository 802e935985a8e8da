from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LazyTableReference,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

_USER = LazyTableReference("User", module_path="backend.accounts.tables")
_CASE = LazyTableReference("Case", module_path="backend.cases.tables")


class Slot(Table):
    """A grid worker's capacity for one half-day and one kind of service."""

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    worker = ForeignKey(_USER, index=True)
    grid_code = Varchar(length=15, index=True)
    day = Date(index=True)
    #: am | pm
    half_day = Varchar(length=2)
    #: visit | proxy
    kind = Varchar(length=8)
    capacity = Integer()
    #: Places taken; only ever changed by a conditional UPDATE, so it never passes capacity.
    booked = Integer(default=0)
    #: open | closed (leave)
    status = Varchar(length=8, default="open", index=True)
    #: "<worker>:<day>:<half_day>:<kind>", unique: one slot per worker, half-day and kind.
    slot_key = Varchar(length=48, unique=True)
    closed_reason = Text(default="")


class WeeklyPattern(Table):
    """What a worker usually offers: e.g. Tuesday afternoons, 3 home visits."""

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    worker = ForeignKey(_USER, index=True)
    #: 0 = Monday … 6 = Sunday
    weekday = Integer()
    half_day = Varchar(length=2)
    kind = Varchar(length=8)
    capacity = Integer()


class WorkerProfile(Table):
    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    worker = ForeignKey(_USER, unique=True)
    #: AB岗: who takes over this worker's bookings during leave.
    backup = ForeignKey(_USER, null=True, default=None)


class Booking(Table):
    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    slot = ForeignKey(LazyTableReference("Slot", module_path="backend.bookings.tables"), index=True)
    case_id = ForeignKey(_CASE, index=True)
    resident = ForeignKey(_USER, index=True)
    booked_by = ForeignKey(_USER)
    kind = Varchar(length=8)
    #: booked | checked_in | done | cancelled | needs_slot (leave with no backup: staff act)
    status = Varchar(length=12, index=True)
    note = Text(default="")
    #: The script the typed text was written in (zh-Hans | zh-Hant); None: written before it was recorded.
    script = Varchar(length=8, null=True, default=None)
    created_at = Timestamptz()
    cancelled_at = Timestamptz(null=True, default=None)
    checked_in_at = Timestamptz(null=True, default=None)
    checked_out_at = Timestamptz(null=True, default=None)
    #: The day-before reminder fired.
    reminded_at = Timestamptz(null=True, default=None)


class EligibilityOverride(Table):
    """Staff let a resident without the usual flags book door-to-door service."""

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    resident = ForeignKey(_USER, index=True)
    granted_by = ForeignKey(_USER)
    reason = Text()
    created_at = Timestamptz()
    active = Boolean(default=True)


class Handover(Table):
    """One handing over of documents between a resident and a worker (代办台账)."""

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    case_id = ForeignKey(_CASE, index=True)
    #: [{"name": "户口簿", "count": 1}, …]
    items = JSON(default="[]")
    #: The script the typed text was written in (zh-Hans | zh-Hant); None: written before it was recorded.
    script = Varchar(length=8, null=True, default=None)
    #: received (from the resident) | returned (to the resident)
    direction = Varchar(length=8)
    recorded_by = ForeignKey(_USER)
    recorded_at = Timestamptz(index=True)
    confirmed_by = ForeignKey(_USER, null=True, default=None)
    confirmed_at = Timestamptz(null=True, default=None)
