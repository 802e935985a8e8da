"""Publishing a notice is one transaction: no notice without its audit row."""

from __future__ import annotations

import pytest

from backend.accounts import service as accounts
from backend.accounts.tables import Audit
from backend.notices import service as notices
from backend.notices.structs import NoticeCreate
from backend.notices.tables import Notice
from tests.conftest import DEMO


class WriteFailed(Exception):
    """Stands in for a database error on the write under test."""


async def _fail(*args, **kwargs):
    raise WriteFailed


async def test_a_notice_whose_audit_row_fails_is_not_published(client, clock, monkeypatch):
    staff = await accounts.load_current_user((await accounts.find_by_phone(DEMO["staff"])).id)
    monkeypatch.setattr(notices, "audit", _fail)
    with pytest.raises(WriteFailed):
        await notices.publish(
            staff, NoticeCreate(region="990101001", title_hans="停水", body_hans="周三停水"), clock.now()
        )
    assert await Notice.count() == 0
    assert not await Audit.exists().where(Audit.action == "notice.publish")
