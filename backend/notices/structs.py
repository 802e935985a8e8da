from datetime import datetime
from typing import Annotated

import msgspec

from backend.lib.pages import Page, page_name
from backend.lib.structs import Input


class NoticeRegion(msgspec.Struct):
    code: str
    level: str
    name: str


class Notice(msgspec.Struct):
    id: int
    region: NoticeRegion
    title: str
    body: str
    published_at: datetime


NoticePage = Annotated[Page[Notice], page_name("NoticePage")]


class NoticeCreate(Input, forbid_unknown_fields=True, kw_only=True):
    """A notice from staff, typed in one script or both: a script left out is converted
    from the one typed, and what was typed is kept exactly."""

    region: Annotated[str, msgspec.Meta(pattern=r"^\d{9}(\d{3})?$", max_length=12)]
    title_hans: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    body_hans: Annotated[str, msgspec.Meta(min_length=1, max_length=20000)] | None = None
    title_hant: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    body_hant: Annotated[str, msgspec.Meta(min_length=1, max_length=20000)] | None = None
