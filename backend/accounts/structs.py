from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.lib.auth import Role
from backend.lib.pages import Page, page_name
from backend.lib.structs import Input, PersonName, Phone, RegionCode

Flag = Literal["elderly", "disabled", "lives_alone"]
FLAGS: tuple[Flag, ...] = ("elderly", "disabled", "lives_alone")
LocaleName = Literal["zh-Hans", "zh-Hant"]
FlagList = Annotated[list[Flag], msgspec.Meta(max_length=len(FLAGS))]
#: An identity card number: 18 characters, with room for spaces around it.
IdNumber = Annotated[str, msgspec.Meta(max_length=24)]


class RegionRef(msgspec.Struct):
    code: str
    level: str
    name: str


class User(msgspec.Struct):
    id: int
    phone: str
    name: str
    role: Role
    region: RegionRef | None
    locale: LocaleName
    elder_mode: bool
    flags: list[Flag]
    #: Masked (110***********1234); the full number is never returned here.
    id_number: str | None
    created_at: datetime
    #: False once an admin has switched the account off (it can no longer sign in).
    active: bool = True
    #: False until the person chose a script (PATCH /me ``locale``): ``locale`` is then the
    #: script of the device they first signed in on, and the PWA saves the device's choice.
    locale_chosen: bool = True


class UserRef(msgspec.Struct, frozen=True):
    """Who has a phone number: enough to sign them in, text them or file for them."""

    id: int
    role: Role
    locale: LocaleName
    #: False once an admin has switched the account off.
    active: bool
    name: str = ""


class Contact(msgspec.Struct, frozen=True):
    """How to reach a user outside the app (SMS) and in which script."""

    id: int
    phone: str
    locale: LocaleName


class MeUpdate(Input, forbid_unknown_fields=True, omit_defaults=True):
    name: PersonName | msgspec.UnsetType = msgspec.UNSET
    locale: LocaleName | msgspec.UnsetType = msgspec.UNSET
    elder_mode: bool | msgspec.UnsetType = msgspec.UNSET


class UserCreate(Input, forbid_unknown_fields=True):
    #: The id number goes whole to its encrypted column (and is masked there).
    exact = frozenset({"id_number"})

    phone: Phone
    role: Role = "resident"
    region: RegionCode | None = None
    name: PersonName = ""
    flags: FlagList = []
    id_number: IdNumber | None = None
    locale: LocaleName = "zh-Hans"


#: A browser's own random key (the PWA makes 32 bytes, base64url), see ``accounts._devices``.
DeviceKey = Annotated[str, msgspec.Meta(min_length=22, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class OtpRequest(Input, forbid_unknown_fields=True):
    phone: Phone
    #: Sent by a device that may have signed in to this phone's account before.
    device_key: DeviceKey | None = None


class OtpSent(msgspec.Struct):
    #: Seconds the code stays valid.
    expires_in: int
    #: Seconds the app should wait before offering to send another.
    resend_after: int


class LoginRequest(Input, forbid_unknown_fields=True):
    phone: Phone
    #: The six digits of the text, with room for spaces pasted around them.
    code: Annotated[str, msgspec.Meta(max_length=10)]
    #: Stay signed in on this phone (a long session that each use extends); false on a
    #: shared or borrowed phone (half a day). Officials' sessions are shorter either way.
    remember: bool = True
    #: The same key as with the code request; after this sign-in the device is known.
    device_key: DeviceKey | None = None


class LoginResult(msgspec.Struct):
    access_token: str
    user: User
    token_type: str = "bearer"  # noqa: S105 - the OAuth 2 token type, not a secret


SessionBrowser = Literal[
    "wechat", "qq", "uc", "huawei", "miui", "samsung", "edge", "opera", "firefox", "chrome", "safari", "cli", "other"
]
SessionSystem = Literal["harmonyos", "android", "ios", "windows", "chromeos", "macos", "linux", "other"]


class SessionInfo(msgspec.Struct):
    """One signed-in device (a session), as its owner sees it in the list."""

    id: int
    #: Read off the browser's User-Agent at sign-in; the app shows it in words.
    browser: SessionBrowser
    system: SessionSystem
    #: The person asked to stay signed in on this phone.
    remembered: bool
    #: The session this request came with (signing out here ends it).
    current: bool
    created_at: datetime
    #: Updated at most once an hour.
    last_used_at: datetime
    #: When it lapses unless used again.
    expires_at: datetime


class SessionList(msgspec.Struct):
    items: list[SessionInfo]


class SessionsEnded(msgspec.Struct):
    #: How many sessions were live and are now ended.
    ended: int


class UserUpdate(Input, forbid_unknown_fields=True, omit_defaults=True):
    """What admins (and staff, for residents) may change about a user."""

    name: PersonName | msgspec.UnsetType = msgspec.UNSET
    role: Role | msgspec.UnsetType = msgspec.UNSET
    region: RegionCode | msgspec.UnsetType = msgspec.UNSET
    flags: FlagList | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


UserPage = Annotated[Page[User], page_name("UserPage")]


class Assignee(msgspec.Struct):
    """Someone a case may be dispatched to (no phone number: the picker needs none)."""

    id: int
    name: str
    role: Role
    region: RegionRef


class AssigneePage(msgspec.Struct):
    items: list[Assignee]


class RoleLevels(msgspec.Struct):
    role: Role
    #: Where a new user of this role is placed: the deepest level ``home_levels`` allows.
    home_level: str
    #: Every region level this role's home region may be, county first (accounts.service.HOME_LEVELS).
    home_levels: list[str]


class RolePage(msgspec.Struct):
    items: list[RoleLevels]


IdentityCheck = Literal["home_visit", "phone", "smartphone", "in_person"]


class LinkCreate(Input, forbid_unknown_fields=True):
    #: The relative's phone; an account (without a name) is made for a relative who has none.
    phone: Phone
    relation: Annotated[str, msgspec.Meta(max_length=20)]
    #: What the requester calls the relative: kept on the link for the requester's eyes,
    #: never an account's name.
    relative_name: PersonName = ""


class LinkConfirm(Input, forbid_unknown_fields=True):
    #: Required when a grid worker confirms on the relative's behalf.
    identity_check: IdentityCheck | None = None


class Person(msgspec.Struct):
    id: int
    name: str
    phone: str


class Link(msgspec.Struct):
    id: int
    requester: Person
    #: To the requester, until the relative confirms: id 0, the name they gave
    #: (``relative_name``) and the number they typed — nothing of whose number it is.
    relative: Person
    relation: str
    status: str
    created_at: datetime
    confirmed_at: datetime | None
    identity_check: str | None


LinkPage = Annotated[Page[Link], page_name("LinkPage")]


class ResidentCard(msgspec.Struct):
    id: int
    name: str
    #: 138****0001: enough to read back to the person, not to call them.
    phone_masked: str
    region: RegionRef | None
    flags: list[Flag]


ResidentPage = Annotated[Page[ResidentCard], page_name("ResidentPage")]
