from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    DoublePrecision,
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
_REGION = LazyTableReference("Region", module_path="backend.regions.tables")


class Case(Table, tablename="app_case"):
    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    #: BM-YYYY-MM-NNNNNN, what people read out on the phone.
    receipt_no = Varchar(length=20, unique=True, index=True)
    #: request | complaint | suggestion | visit | proxy
    kind = Varchar(length=12, index=True)
    service_code = Varchar(length=16, null=True, default=None, index=True)
    title = Varchar(length=200)
    #: As typed; shown in the reader's script.
    description = Text()
    region = ForeignKey(_REGION, help_text="The grid the case belongs to.")
    #: Copy of the region code, for scope filters by prefix without a join.
    region_code = Varchar(length=15, index=True)
    address = Varchar(length=300, default="")
    lat = DoublePrecision(null=True, default=None)
    lng = DoublePrecision(null=True, default=None)
    resident = ForeignKey(_USER, index=True)
    #: Indexed (with the open cases by deadline) by the 2026-11-29 migration, in SQL.
    submitted_by = ForeignKey(_USER, help_text="Differs from resident for proxy submissions.")
    #: home_visit | phone | smartphone | in_person, for proxy submissions.
    identity_check = Varchar(length=16, null=True, default=None)
    status = Varchar(length=16, index=True)
    #: 首问负责: the first staff member who acted, until a handover.
    owner = ForeignKey(_USER, null=True, default=None)
    assignee = ForeignKey(_USER, null=True, default=None, index=True)
    department = Varchar(length=100, null=True, default=None)
    #: Promised working days, fixed when the case is submitted.
    time_limit_days = Integer()
    #: 接诉即办 response: accepted or rejected by this instant counts as responded in time
    #: (one working day after submission, fixed at submission).
    response_due = Timestamptz(null=True, default=None)
    responded_at = Timestamptz(null=True, default=None)
    accepted_at = Timestamptz(null=True, default=None)
    deadline = Timestamptz(null=True, default=None, index=True)
    due_soon_at = Timestamptz(null=True, default=None, index=True)
    #: When the due-soon reminder and the overdue escalation fired (each fires once).
    reminded_at = Timestamptz(null=True, default=None)
    escalated_at = Timestamptz(null=True, default=None)
    resolved_at = Timestamptz(null=True, default=None, index=True)
    closed_at = Timestamptz(null=True, default=None)
    #: Set by a rating of 2 or less: the resident may reopen a closed case.
    low_rated = Boolean(default=False)
    #: 加急: the limit is ``time_limit_hours`` calendar hours from acceptance.
    urgent = Boolean(default=False)
    time_limit_hours = Integer(null=True, default=None)
    #: Working days added by agreed extensions (延期), in total.
    extended_days = Integer(default=0)
    #: When the case turns silent: the resident has heard nothing for the setting's working
    #: days (set at each event that tells the resident); and when its assignee was warned.
    silent_at = Timestamptz(null=True, default=None)
    silent_warned_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(index=True)
    updated_at = Timestamptz()


class CaseEvent(Table):
    """Append-only timeline: never updated or deleted."""

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    case = ForeignKey(
        LazyTableReference("Case", module_path="backend.cases.tables"), index=True, db_column_name="case_id"
    )
    at = Timestamptz()
    #: Null for the system (timers).
    actor = ForeignKey(_USER, null=True, default=None)
    action = Varchar(length=32)
    from_status = Varchar(length=16, null=True, default=None)
    to_status = Varchar(length=16, null=True, default=None)
    note = Text(default="")
    media = JSON(default="[]")


class CasePause(Table):
    """时限中止: the clock stops while the office waits for the resident (request_info →
    supply_info). At most one running pause per case (a partial unique index)."""

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    case = ForeignKey(
        LazyTableReference("Case", module_path="backend.cases.tables"), index=True, db_column_name="case_id"
    )
    started_at = Timestamptz()
    #: Null while the clock is stopped.
    ended_at = Timestamptz(null=True, default=None)
    #: Working days the deadline moved by (null while running, or for an urgent case).
    working_days = Integer(null=True, default=None)
    #: Whole hours the deadline of an urgent case moved by (it moves by the exact time paused).
    hours = Integer(null=True, default=None)
    started_by = ForeignKey(_USER, null=True, default=None)
    ended_by = ForeignKey(_USER, null=True, default=None)


class CaseExtension(Table):
    """延期: more working days, in effect only once the resident agrees (in the app or by
    phone, recorded by staff). At most one pending per case (a partial unique index)."""

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    case = ForeignKey(
        LazyTableReference("Case", module_path="backend.cases.tables"), index=True, db_column_name="case_id"
    )
    days = Integer()
    reason = Text(default="")
    #: pending | agreed | declined
    status = Varchar(length=10, default="pending")
    requested_by = ForeignKey(_USER)
    requested_at = Timestamptz()
    answered_at = Timestamptz(null=True, default=None)
    #: app | phone
    consent = Varchar(length=8, null=True, default=None)
    #: Who agreed, as the app knows them or as staff wrote it down after the call.
    agreed_by_name = Varchar(length=50, null=True, default=None)
    answered_by = ForeignKey(_USER, null=True, default=None)
    #: The staff member who recorded a phone consent.
    recorded_by = ForeignKey(_USER, null=True, default=None)


class ReceiptCounter(Table):
    """The last receipt number used in a month ("2026-11")."""

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    month = Varchar(length=7, unique=True)
    value = Integer(default=0)


class Holiday(Table):
    """Working-day overrides of one county: they win over the national calendar there.

    One row per county and day (a unique index on both, made by the migration).
    """

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    #: The county (6-digit region code) whose calendar this day changes.
    county = Varchar(length=6, default="")
    day = Date(index=True)
    is_workday = Boolean()
    note = Varchar(length=100, default="")
