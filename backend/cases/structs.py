from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from backend.catalog.structs import ServiceCode
from backend.lib.pages import Page, page_name
from backend.lib.structs import Id, Input, PersonName, Phone
from backend.media.structs import MediaIds, Photo

Kind = Literal["request", "complaint", "suggestion", "visit", "proxy"]
Status = Literal[
    "submitted",
    "accepted",
    "assigned",
    "in_progress",
    "waiting_info",
    "resolved",
    "closed",
    "cancelled",
    "rejected",
]
Action = Literal[
    "accept",
    "reject",
    "cancel",
    "assign",
    "reassign",
    "start",
    "request_info",
    "supply_info",
    "resolve",
    "reopen",
    "handover",
    "remind",
]
#: What a reader may do with a case now: the moves, and the extension's steps (延期).
CaseAction = Literal[Action, "extend", "answer_extension", "record_consent"]
IdentityCheck = Literal["home_visit", "phone", "smartphone", "in_person"]
#: Statuses of an accepted case not yet resolved: it has a deadline.
OPEN_STATUSES: tuple[str, ...] = ("accepted", "assigned", "in_progress", "waiting_info")
#: Open statuses in which the clock runs: overdue, due soon and silent apply. In
#: waiting_info the clock is stopped (时限中止) until the resident supplies what was asked.
RUNNING_STATUSES: tuple[str, ...] = ("accepted", "assigned", "in_progress")
#: The colour of an open case: on_track green, due_soon and silent yellow, overdue red; paused: waiting_info.
Signal = Literal["on_track", "due_soon", "silent", "overdue", "paused"]

Note = Annotated[str, msgspec.Meta(max_length=2000)]
#: A date and time as RFC 3339 writes it, with at most 6 fractional digits; the offset may be missing
#: only so that its absence is answered with the case's own error.
AT_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?$"


class CaseCreate(Input, forbid_unknown_fields=True, kw_only=True):
    kind: Kind
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]
    #: Grid code.
    region: Annotated[str, msgspec.Meta(pattern=r"^\d{15}$", max_length=15)]
    service_code: ServiceCode | None = None
    address: Annotated[str, msgspec.Meta(max_length=300)] = ""
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)] | None = None
    lng: Annotated[float, msgspec.Meta(ge=-180, le=180)] | None = None
    #: Proxy submission by a grid worker or staff: one of these, plus identity_check.
    resident_id: Id | None = None
    resident_phone: Phone | None = None
    resident_name: PersonName | None = None
    identity_check: IdentityCheck | None = None
    #: Photos uploaded with POST /media, attached to the case and its submit event.
    media: MediaIds = []
    #: 加急 (water, power, safety): complaints only; the limit is then in hours.
    urgent: bool = False


class Transition(Input, forbid_unknown_fields=True, kw_only=True):
    action: Action
    note: Note = ""
    #: assign / reassign: the grid worker or staff member; handover: the new owner.
    assignee_id: Id | None = None
    #: assign / reassign: the back office (后台) it goes to.
    department: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    #: Photos uploaded with POST /media, shown on this step of the timeline.
    media: MediaIds = []
    #: accept only: mark the case urgent (加急) or not; null keeps what was filed.
    urgent: bool | None = None


class ExtensionCreate(Input, forbid_unknown_fields=True, kw_only=True):
    """延期: ask the resident for more working days."""

    days: Annotated[int, msgspec.Meta(ge=1, le=30)]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class ExtensionAnswer(Input, forbid_unknown_fields=True, kw_only=True):
    agree: bool


class PhoneConsent(Input, forbid_unknown_fields=True, kw_only=True):
    """The resident agreed on the phone: who said yes, and when."""

    agreed_by: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    #: An RFC 3339 instant with its offset ("2026-11-18T13:00:00+08:00"); text here so that
    #: its length is bounded (msgspec's datetime takes any number of fractional digits).
    agreed_at: Annotated[str, msgspec.Meta(max_length=32, pattern=AT_PATTERN)]


class Person(msgspec.Struct):
    id: int
    name: str
    role: str


class Resident(msgspec.Struct):
    id: int
    name: str
    #: Shown to the resident and to workers in scope (each reveal is audited).
    phone: str | None
    #: True: an official filed this case for a resident whom no region places (named by
    #: phone); officials see no name and the phone masked (138****0001).
    withheld: bool = False


class Place(msgspec.Struct):
    code: str
    name: str


class Event(msgspec.Struct):
    at: datetime
    actor: Person | None
    action: str
    action_label: str
    from_status: str | None
    to_status: str | None
    note: str
    media: list[int]
    #: The same photos with signed URLs for <img> (valid for the reader, for about a day).
    photos: list[Photo] = []


class Pause(msgspec.Struct, kw_only=True):
    """One stop of the clock (时限中止)."""

    started_at: datetime
    #: Null while the clock is stopped.
    ended_at: datetime | None
    #: Working days the deadline moved by; null while running and for urgent cases.
    working_days: int | None
    #: Whole hours an urgent case's deadline moved by (it moves by the exact time paused).
    hours: int | None


class Extension(msgspec.Struct, kw_only=True):
    """A request for more working days (延期) and the resident's answer."""

    id: int
    days: int
    reason: str
    status: Literal["pending", "agreed", "declined"]
    requested_by: Person
    requested_at: datetime
    answered_at: datetime | None
    #: How the resident agreed: in the app, or on the phone (recorded by staff).
    consent: Literal["app", "phone"] | None
    agreed_by_name: str | None
    recorded_by: Person | None


class CaseSummary(msgspec.Struct, kw_only=True):
    id: int
    receipt_no: str
    kind: Kind
    kind_label: str
    service_code: str | None
    title: str
    status: Status
    status_label: str
    region: Place
    resident: Resident
    assignee: Person | None
    deadline: datetime | None
    due_soon: bool
    overdue: bool
    created_at: datetime
    updated_at: datetime
    #: 加急: the limit is ``time_limit_hours`` hours from acceptance.
    urgent: bool = False
    time_limit_hours: int | None = None
    #: The clock is stopped while the office waits for the resident (waiting_info).
    paused: bool = False
    #: on_track | due_soon | silent | overdue | paused; null when the case is not open.
    signal: Signal | None = None
    #: The resident has heard nothing for the setting's working days (BIANMIN_SILENT_DAYS).
    silent: bool = False
    #: Working days added by agreed extensions, in total.
    extended_days: int = 0
    #: Filed outside office hours (``BIANMIN_WORKING_HOURS`` on a working day of the case's
    #: county): the working day the office starts on it; None when filed within them.
    handling_starts_on: date | None = None


class Case(CaseSummary, kw_only=True):
    description: str
    address: str
    lat: float | None
    lng: float | None
    submitted_by: Person
    identity_check: IdentityCheck | None
    owner: Person | None
    department: str | None
    time_limit_days: int
    accepted_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    timeline: list[Event]
    #: The moves (transition actions) and extension steps the reader may make now; filled by GET /cases/{id}.
    actions: list[CaseAction] = []
    #: The clock's stops, oldest first.
    pauses: list[Pause] = []
    #: Working days left to the deadline (0 on its last day); null when overdue, not open or
    #: urgent (see ``remaining_hours``); while paused, as it stood when the clock stopped.
    remaining_working_days: int | None = None
    #: Urgent cases: whole hours left to the deadline; null when overdue or not open.
    remaining_hours: int | None = None
    extensions: list[Extension] = []


class Step(msgspec.Struct, kw_only=True):
    """One move of a state machine, for a phone that must go on offline (the field area's outbox)."""

    action: str
    #: The statuses it may be made from.
    from_: list[str] = msgspec.field(name="from")
    #: The status it leads to; null: the status stays (an event only).
    to: str | None
    #: Who makes it: staff, assignee, resident or owner (cases); worker (booking visits).
    party: str
    note_required: bool = False


class StepPage(msgspec.Struct):
    items: list[Step]


CasePage = Annotated[Page[CaseSummary], page_name("CasePage")]


class CaseSummaryRecord(msgspec.Struct, kw_only=True):
    """One case as the list query returns it: the stored columns and the joined names.

    Built with ``msgspec.convert(row, CaseSummaryRecord, strict=False)``; the dotted
    names are the query's column aliases (``"resident.id"``).
    """

    id: int
    receipt_no: str
    kind: Kind
    service_code: str | None
    title: str
    status: Status
    region_code: str
    region_name_hans: str = msgspec.field(name="region.name_hans")
    region_name_hant: str = msgspec.field(name="region.name_hant")
    resident_id: int = msgspec.field(name="resident.id")
    resident_name: str = msgspec.field(name="resident.name")
    resident_phone: str | None = msgspec.field(name="resident.phone")
    #: The resident's home region (an id); None: no region places them.
    resident_home: int | None = msgspec.field(name="resident.region")
    #: How an official checked the resident's identity when filing for them; None: not filed by an official.
    identity_check: IdentityCheck | None
    assignee_id: int | None = msgspec.field(name="assignee.id")
    assignee_name: str | None = msgspec.field(name="assignee.name")
    assignee_role: str | None = msgspec.field(name="assignee.role")
    deadline: datetime | None
    due_soon_at: datetime | None
    created_at: datetime
    updated_at: datetime
    urgent: bool = False
    time_limit_hours: int | None = None
    extended_days: int = 0
    silent_at: datetime | None = None
    handling_starts_on: date | None = None
    #: The scripts the typed text and the names were written in (None: before it was recorded).
    script: str | None = None
    resident_name_script: str | None = msgspec.field(name="resident.name_script", default=None)
    assignee_name_script: str | None = msgspec.field(name="assignee.name_script", default=None)


class CaseRecord(CaseSummaryRecord, kw_only=True):
    """One case as stored, with the people it names: what ``cases.service.record_for``
    hands to the domains that act on a case (bookings, ratings) and to the state machine."""

    description: str
    address: str
    lat: float | None
    lng: float | None
    submitted_by_id: int = msgspec.field(name="submitted_by.id")
    submitted_by_name: str = msgspec.field(name="submitted_by.name")
    submitted_by_role: str = msgspec.field(name="submitted_by.role")
    owner_id: int | None = msgspec.field(name="owner.id")
    owner_name: str | None = msgspec.field(name="owner.name")
    owner_role: str | None = msgspec.field(name="owner.role")
    department: str | None
    time_limit_days: int
    accepted_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    resident_region_code: str | None = msgspec.field(name="resident.region.code")
    low_rated: bool
    submitted_by_name_script: str | None = msgspec.field(name="submitted_by.name_script", default=None)
    owner_name_script: str | None = msgspec.field(name="owner.name_script", default=None)


class LookupEvent(msgspec.Struct):
    at: datetime
    action_label: str
    status_label: str | None


class CaseLookup(msgspec.Struct):
    """What someone without an account learns from a receipt number and phone: no personal data."""

    receipt_no: str
    kind_label: str
    status: Status
    status_label: str
    created_at: datetime
    deadline: datetime | None
    #: Like the case's: filed outside office hours, the working day the office starts on it.
    handling_starts_on: date | None
    timeline: list[LookupEvent]


class HolidayItem(Input, forbid_unknown_fields=True):
    date: date
    is_workday: bool
    note: Annotated[str, msgspec.Meta(max_length=100)] = ""


Year = Annotated[int, msgspec.Meta(ge=2000, le=2100)]


class HolidayYear(Input, forbid_unknown_fields=True):
    """Every override of one year; PUT replaces the year's list."""

    year: Year
    items: Annotated[list[HolidayItem], msgspec.Meta(max_length=400)]


class HolidayCalendar(msgspec.Struct, kw_only=True):
    """One year of a county's calendar as GET and PUT /holidays answer: the overrides, and whether it is known."""

    year: int
    items: list[HolidayItem]
    #: Whether deadlines in the year stand on an announced calendar: ``chinesecalendar`` has the
    #: year (``national``), or the county's admin entered its State Council notice. False: they
    #: count Monday to Friday plus the overrides, and the admin is warned.
    calendar_known: bool
    national: bool
    notice_entered_at: datetime | None = None


class HolidayStatus(msgspec.Struct, kw_only=True):
    """GET /holidays/status: the years the admin must enter a notice for (empty: none)."""

    #: Of ``checked_years``, those neither ``chinesecalendar`` nor an entered notice covers.
    unknown_years: list[int]
    #: This year, the next from October on, and every year an open case's deadline reaches.
    checked_years: list[int]


class HolidayImport(Input, forbid_unknown_fields=True, kw_only=True):
    """POST /holidays/import: a State Council notice for ``year``, as pasted (see ``cases/_notice.py``)."""

    year: Year
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]
    #: Only read the notice and say what it would change.
    dry_run: bool = False


class HolidayImportResult(msgspec.Struct, kw_only=True):
    year: int
    dry_run: bool
    #: The days off and make-up working days read from the notice (they replace those days' overrides).
    items: list[HolidayItem]
    #: Open cases whose deadline moves later with the notice (would move, on a dry run).
    moved_cases: int
    calendar: HolidayCalendar
