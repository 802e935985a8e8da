"""The audit trail: one row for every state change and every read of personal data.

Written inside the caller's transaction, so an audited change and its row commit
together or not at all. The ``audit`` table belongs to the accounts app's
migrations; this module owns no table and reaches it through the bound engine.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from backend.lib.db import execute
from backend.lib.privacy import redact_id_numbers


async def audit(
    actor: int | None, action: str, object_type: str, object_id: object, detail: dict | None = None, *, at: datetime
) -> None:
    # Written out: every state change and every reveal writes one, inside its transaction.
    await execute(
        "INSERT INTO audit (actor, action, object_type, object_id, detail, at) VALUES ({}, {}, {}, {}, {}, {})",
        actor or None,  # 0 is the command line (the system), not a user
        action,
        object_type,
        str(object_id),
        # A reason or note in the detail was masked on the way in (``lib.structs.Input``);
        # this keeps an id number out even of a detail that code puts together.
        redact_id_numbers(msgspec.json.encode(detail or {}).decode()),
        at,
    )
