from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from backend.catalog.structs import ServiceCode
from backend.lib.pages import Page, page_name
from backend.lib.structs import Id, Input, RegionCode
from backend.media.structs import MediaIds

HalfDay = Literal["am", "pm"]
Kind = Literal["visit", "proxy"]
IdentityCheck = Literal["home_visit", "phone", "smartphone", "in_person"]
Capacity = Annotated[int, msgspec.Meta(ge=0, le=50)]
Note = Annotated[str, msgspec.Meta(max_length=1000)]


class SlotCreate(Input, forbid_unknown_fields=True, kw_only=True):
    date: date
    half_day: HalfDay
    kind: Kind
    capacity: Annotated[int, msgspec.Meta(ge=1, le=50)]
    #: Defaults to the worker's own grid.
    grid: RegionCode | None = None
    #: Staff publish for a worker of their township; grid workers for themselves.
    worker_id: Id | None = None


class SlotUpdate(Input, forbid_unknown_fields=True, kw_only=True):
    capacity: Capacity | msgspec.UnsetType = msgspec.UNSET
    #: "closed": the worker is on leave; bookings move to the backup (AB岗) or go to staff.
    status: Literal["open", "closed"] | msgspec.UnsetType = msgspec.UNSET
    reason: Note = ""


class Slot(msgspec.Struct, kw_only=True):
    id: int
    worker_id: int
    worker_name: str
    grid: str
    date: date
    half_day: HalfDay
    kind: Kind
    capacity: int
    booked: int
    free: int
    status: str


SlotPage = Annotated[Page[Slot], page_name("SlotPage")]


class PatternItem(Input, forbid_unknown_fields=True):
    weekday: Annotated[int, msgspec.Meta(ge=0, le=6)]
    half_day: HalfDay
    kind: Kind
    capacity: Annotated[int, msgspec.Meta(ge=1, le=50)]


class Pattern(Input, forbid_unknown_fields=True):
    items: Annotated[list[PatternItem], msgspec.Meta(max_length=28)]
    #: The AB岗 colleague who takes over during leave.
    backup_id: Id | None = None


class BookingCreate(Input, forbid_unknown_fields=True, kw_only=True):
    slot_id: Id
    kind: Kind
    service_code: ServiceCode
    #: Booking for someone else: a relative (family link) or, for grid workers, a resident.
    resident_id: Id | None = None
    identity_check: IdentityCheck | None = None
    note: Note = ""


class Booking(msgspec.Struct, kw_only=True):
    id: int
    case_id: int
    receipt_no: str
    slot: Slot
    kind: Kind
    status: str
    status_label: str
    resident_id: int
    resident_name: str
    booked_by_id: int
    note: str
    created_at: datetime
    checked_in_at: datetime | None
    checked_out_at: datetime | None


BookingPage = Annotated[Page[Booking], page_name("BookingPage")]


#: A visit's two steps, each once and in order: (from, to) booking status.
VISIT_STEPS: dict[str, tuple[str, str]] = {"check_in": ("booked", "checked_in"), "check_out": ("checked_in", "done")}


class VisitNote(Input, forbid_unknown_fields=True):
    note: Note = ""
    #: Photos of the visit (ids from POST /media), shown on the timeline.
    media: MediaIds = []


class OverrideCreate(Input, forbid_unknown_fields=True):
    resident_id: Id
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class HandoverItem(Input, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    count: Annotated[int, msgspec.Meta(ge=1, le=99)] = 1


class HandoverCreate(Input, forbid_unknown_fields=True):
    items: Annotated[list[HandoverItem], msgspec.Meta(min_length=1, max_length=30)]
    direction: Literal["received", "returned"]


class Handover(msgspec.Struct, kw_only=True):
    id: int
    case_id: int
    items: list[HandoverItem]
    direction: str
    direction_label: str
    recorded_by: str
    recorded_at: datetime
    confirmed_at: datetime | None


HandoverPage = Annotated[Page[Handover], page_name("HandoverPage")]
