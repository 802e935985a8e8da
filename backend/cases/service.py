"""The cases domain's one door: registering, reading and moving cases.

Other domains import this module (and ``cases.structs``) only. Behind it:
``_cases`` (submit, read, list, look up), ``_transitions`` (the state machine),
``_queries`` (the hot SQL and the one scope filter), ``_calendar`` (working days),
``_clock`` (pauses, the colours) and ``_extensions`` (延期 with consent).

A case crosses this door as a ``structs.CaseRecord`` (``record_for``), never as a row;
the statistics read cases through ``stats_cases_sql``, the SELECT this domain owns.
"""

from __future__ import annotations

from backend.cases._calendar import calendar, county_of, replace_year, year
from backend.cases._cases import (
    Context,
    Filters,
    add_event,
    can_see,
    create,
    get,
    list_cases,
    lookup,
    receipt_no,
    record_for,
    resident_of,
)
from backend.cases._extensions import answer as answer_extension
from backend.cases._extensions import ask as ask_extension
from backend.cases._extensions import record_consent
from backend.cases._naming import naming
from backend.cases._queries import person_names_sql, stats_cases_sql
from backend.cases._transitions import RULES, apply, cancel_for_booking, detail, record_rating, steps

__all__ = [
    "RULES",
    "Context",
    "Filters",
    "add_event",
    "answer_extension",
    "apply",
    "ask_extension",
    "calendar",
    "can_see",
    "cancel_for_booking",
    "county_of",
    "create",
    "detail",
    "get",
    "list_cases",
    "lookup",
    "naming",
    "person_names_sql",
    "receipt_no",
    "record_consent",
    "record_for",
    "record_rating",
    "replace_year",
    "resident_of",
    "stats_cases_sql",
    "steps",
    "year",
]
