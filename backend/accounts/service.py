"""The accounts domain's one door: users, sign-in limits and family links.

Other domains import this module (and ``accounts.structs``) only; the modules
behind it are private. Personal-data helpers live in ``backend.lib.privacy`` and
the audit trail in ``backend.lib.audit``.
"""

from __future__ import annotations

from backend.accounts._family import acts_for, relative_ids, relatives_sql
from backend.accounts._limits import check as check_limit
from backend.accounts._limits import record as record_attempt
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
    "check_limit",
    "contacts",
    "count_users",
    "create_user",
    "find_by_phone",
    "get_or_create_resident",
    "get_user",
    "load_current_user",
    "read_id_number",
    "record_attempt",
    "relative_ids",
    "relatives_sql",
    "seed_demo_users",
    "update_me",
]
