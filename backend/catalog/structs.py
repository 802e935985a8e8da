from datetime import datetime
from typing import Annotated, Literal, get_args

import msgspec

from backend.lib.pages import Page, page_name
from backend.lib.structs import Input, RegionCode

Category = Literal[
    "education",
    "employment",
    "social_insurance",
    "social_assistance",
    "elderly_care",
    "disability",
    "veterans",
    "health",
    "culture_sports",
    "legal",
    "housing",
    "agriculture",
    "civil_affairs",
]
CATEGORIES: tuple[Category, ...] = get_args(Category)
Channel = Literal["online", "door_to_door", "proxy"]
CHANNELS: tuple[Channel, ...] = get_args(Channel)

#: A catalog code, e.g. "JY-001": the spreadsheet reader matches cells with it too.
CODE_PATTERN = r"^[A-Z][A-Z0-9]{1,9}-\d{3,4}$"
#: The longest code CODE_PATTERN matches.
CODE_MAX_LENGTH = 15
Code = Annotated[str, msgspec.Meta(pattern=CODE_PATTERN, max_length=CODE_MAX_LENGTH)]
#: A code as other requests name an entry (a case's or a booking's service); an unknown one is refused there.
ServiceCode = Annotated[str, msgspec.Meta(max_length=CODE_MAX_LENGTH)]
TimeLimit = Annotated[int, msgspec.Meta(ge=1, le=365)]
#: 加急: an urgent entry's limit in calendar hours from acceptance (30 days at most).
UrgentHours = Annotated[int, msgspec.Meta(ge=1, le=720)]
ShortText = Annotated[str, msgspec.Meta(max_length=200)]
LongText = Annotated[str, msgspec.Meta(max_length=4000)]
TextList = Annotated[list[Annotated[str, msgspec.Meta(max_length=200)]], msgspec.Meta(max_length=50)]


class Township(msgspec.Struct):
    code: str
    name: str


class Service(msgspec.Struct):
    """A catalog entry as a resident reads it, in one script."""

    code: str
    category: Category
    category_name: str
    name: str
    description: str
    policy_basis: str
    implementing_body: str
    target_groups: list[str]
    materials: list[str]
    #: The promised time limit (服务承诺), in working days from acceptance.
    time_limit_days: int
    channels: list[Channel]
    fee: str
    active: bool
    #: None for a county-wide entry.
    township: Township | None
    #: 加急: its cases are urgent, with this limit in hours; None: not urgent.
    urgent_hours: int | None = None


#: The whole matching catalog in one page (``next_cursor`` is always None).
ServicePage = Annotated[Page[Service], page_name("ServicePage")]


class ServiceTerms(msgspec.Struct, frozen=True, kw_only=True):
    """What other domains need of an entry to take a case or a booking for it.

    >>> terms = ServiceTerms(code="MZ-001", name_hans="最低生活保障", active=True, time_limit_days=20,
    ...                      online=True, door_to_door=False, proxy=True)
    >>> terms.offers("proxy"), terms.offers("door_to_door")
    (True, False)
    """

    code: str
    name_hans: str
    #: False once retired: no new cases or bookings.
    active: bool
    #: The promised time limit (服务承诺), in working days from acceptance.
    time_limit_days: int
    online: bool
    door_to_door: bool
    proxy: bool
    #: Whose catalog it is (6 digits); "" only for an entry from before counties owned entries.
    county: str = ""
    #: 加急: its cases are urgent, with this limit in hours; None: not urgent.
    urgent_hours: int | None = None

    def offers(self, channel: str) -> bool:
        """Whether the entry is handled through ``channel``."""
        return bool(getattr(self, channel))

    def serves(self, region_code: str) -> bool:
        """Whether a case in ``region_code`` may be filed under this entry: its county's only."""
        return not self.county or region_code.startswith(self.county)


class ServiceWrite(Input, forbid_unknown_fields=True, kw_only=True):
    """What staff send to create or replace an entry.

    Each ``*_hant`` field may be left out: it is then produced from the Simplified
    text with OpenCC (s2tw) and stored, so it can be corrected later.
    """

    code: Code
    category: Category
    name_hans: ShortText
    description_hans: LongText
    policy_basis_hans: LongText = ""
    implementing_body_hans: ShortText = ""
    target_groups_hans: TextList = []
    materials_hans: TextList
    time_limit_days: TimeLimit
    channels: Annotated[list[Channel], msgspec.Meta(min_length=1, max_length=3)]
    fee_hans: ShortText = "免费"
    active: bool = True
    #: Township code; None (county-wide) is for admins only.
    township: RegionCode | None = None
    name_hant: ShortText | None = None
    description_hant: LongText | None = None
    policy_basis_hant: LongText | None = None
    implementing_body_hant: ShortText | None = None
    target_groups_hant: TextList | None = None
    materials_hant: TextList | None = None
    fee_hant: ShortText | None = None
    #: 加急: the entry's cases are urgent, with this limit in hours; None: not urgent.
    urgent_hours: UrgentHours | None = None


class ServiceRecord(msgspec.Struct, kw_only=True):
    """An entry in both scripts, as the staff screens edit it."""

    code: str
    category: Category
    name_hans: str
    name_hant: str
    description_hans: str
    description_hant: str
    policy_basis_hans: str
    policy_basis_hant: str
    implementing_body_hans: str
    implementing_body_hant: str
    target_groups_hans: list[str]
    target_groups_hant: list[str]
    materials_hans: list[str]
    materials_hant: list[str]
    time_limit_days: int
    channels: list[Channel]
    fee_hans: str
    fee_hant: str
    active: bool
    township: str | None
    updated_at: datetime
    urgent_hours: int | None = None


#: Every entry the actor may edit, in one page (``next_cursor`` is always None).
RecordPage = Annotated[Page[ServiceRecord], page_name("RecordPage")]


class ImportRow(msgspec.Struct):
    """One spreadsheet row as read: its line number, and either an entry or why not."""

    line: int
    code: str | None
    data: ServiceWrite | None = None
    #: Locale key below ``error.`` and its parameters, when the row is rejected.
    error: str | None = None
    params: dict[str, str] = {}


class ImportRowReport(msgspec.Struct):
    line: int
    code: str | None
    #: created | updated | unchanged | rejected
    status: Literal["created", "updated", "unchanged", "rejected"]
    error: str | None = None
    message: str | None = None


class ImportReport(msgspec.Struct):
    dry_run: bool
    applied: bool
    created: int
    updated: int
    unchanged: int
    rejected: int
    rows: list[ImportRowReport]
