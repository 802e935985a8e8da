"""The accounts domain's one door: users, sign-in limits, sessions and family links.

Other domains import this module (and ``accounts.structs``) only; the modules
behind it are private. Personal-data helpers live in ``backend.lib.privacy`` and
the audit trail in ``backend.lib.audit``.
"""

from __future__ import annotations

from backend.accounts._family import acts_for, relative_ids, relatives_sql
from backend.accounts._limits import give_back as give_back_attempt
from backend.accounts._limits import take_attempt
from backend.accounts._proxy import resident_by_id, resident_for
from backend.accounts._sessions import end_all as end_sessions
from backend.accounts._sessions import lifetimes as session_lifetimes
from backend.accounts._sessions import load as load_session
from backend.accounts._sessions import start as start_session
from backend.accounts._users import (
    HOME_LEVELS,
    contacts,
    count_users,
    create_user,
    find_by_phone,
    get_or_create_resident,
    get_user,
    load_current_user,
    read_id_number,
    seed_demo_users,
    update_me,
)

__all__ = [
    "HOME_LEVELS",
    "acts_for",
    "contacts",
    "count_users",
    "create_user",
    "end_sessions",
    "find_by_phone",
    "get_or_create_resident",
    "get_user",
    "give_back_attempt",
    "load_current_user",
    "load_session",
    "read_id_number",
    "relative_ids",
    "relatives_sql",
    "resident_by_id",
    "resident_for",
    "seed_demo_users",
    "session_lifetimes",
    "start_session",
    "take_attempt",
    "update_me",
]
