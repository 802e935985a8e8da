from piccolo.columns import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    LazyTableReference,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class User(Table, tablename="app_user"):
    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    phone = Varchar(length=20, unique=True, index=True)
    name = Varchar(length=50, default="")
    #: The script the name was typed in; None: typed before it was recorded.
    name_script = Varchar(length=8, null=True, default=None)
    #: resident | grid_worker | staff | admin
    role = Varchar(length=20, default="resident", index=True)
    region = ForeignKey(
        LazyTableReference("Region", module_path="backend.regions.tables"),
        null=True,
        help_text="Home region: a grid or village for residents and grid workers, "
        "the township for staff, the county for admins.",
    )
    locale = Varchar(length=8, default="zh-Hans")
    #: False until the person (or their device, at sign-in) chose a script: ``locale`` is then only a guess.
    locale_chosen = Boolean(default=False)
    elder_mode = Boolean(default=False)
    elderly = Boolean(default=False)
    disabled = Boolean(default=False)
    lives_alone = Boolean(default=False)
    #: AES-GCM ciphertext ("v1:…"); the plain number is never stored.
    id_number_enc = Text(null=True, default=None)
    #: e.g. 110***********1234, kept so lists never decrypt.
    id_number_masked = Varchar(length=32, null=True, default=None)
    #: False once removed: tokens stop working, history keeps the name.
    active = Boolean(default=True)
    created_at = Timestamptz()


class Session(Table, tablename="user_session"):
    """One signed-in device: what a token names, so it can be listed and ended.

    The token carries a random session id; only its SHA-256 is kept here, so a copy
    of the database names no live token. A session lapses after ``idle_seconds``
    without use (each use, at most hourly, moves ``expires_at`` on) and at
    ``ends_by`` however often it is used.
    """

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    user = ForeignKey(LazyTableReference("User", module_path="backend.accounts.tables"), index=True)
    sid_hash = Varchar(length=64, unique=True)
    #: "chrome/android": the browser and system read off the User-Agent at sign-in, as codes.
    device = Varchar(length=40, default="")
    #: True when the person asked to stay signed in on this phone.
    remembered = Boolean(default=False)
    idle_seconds = Integer()
    created_at = Timestamptz()
    last_used_at = Timestamptz()
    expires_at = Timestamptz()
    ends_by = Timestamptz()
    ended_at = Timestamptz(null=True, default=None)
    #: signed_out | ended_elsewhere | signed_out_everywhere | account_changed
    end_reason = Varchar(length=24, null=True, default=None)


class OtpCode(Table):
    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    phone = Varchar(length=20, index=True)
    #: Keyed hash of the code; the code itself is only in the SMS.
    code_hash = Varchar(length=64)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    #: Checks of this code so far (each taken before comparing); past the limit it is void.
    tries = Integer(default=0)
    #: The known device (``KnownDevice.id``) that asked for it, 0 for anyone else: only a
    #: check from that device reaches it, and a request from anyone else leaves it alive.
    device = Integer(default=0)


class AuthAttempt(Table):
    """Attempts counted against a limit: code sends, code checks (taken before the code
    is compared, given back when it was right), receipt lookups (given back on a hit)."""

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    #: send | fail | lookup
    kind = Varchar(length=8)
    phone = Varchar(length=20, index=True)
    #: The address it is counted against (an IPv6 client's /64), see ``lib.auth.client_ip``.
    ip = Varchar(length=64, index=True)
    #: ``KnownDevice.id`` for an attempt from a device known to the phone's account, else 0.
    device = Integer(default=0, index=True)
    at = Timestamptz(index=True)


class KnownDevice(Table):
    """A browser that signed in to an account before and keeps a device key for it.

    Its code requests and checks have their own budget, so strangers using up the
    phone's budget cannot keep the owner out. The key itself is only on the device.
    """

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    user = ForeignKey(LazyTableReference("User", module_path="backend.accounts.tables"), index=True)
    #: Keyed hash of "<user id>:<device key>": one row per account a device signed in to.
    key_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    last_used_at = Timestamptz()


class Audit(Table):
    """Who did what to which object, when; includes reads of id numbers."""

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    actor = Integer(null=True, default=None, help_text="User id; null for the system.")
    action = Varchar(length=64)
    object_type = Varchar(length=32)
    object_id = Varchar(length=64)
    detail = JSON(default="{}")
    at = Timestamptz(index=True)


class FamilyLink(Table):
    """A resident acting for a relative (a son in the city for his mother).

    Active only once the relative confirms, or a grid worker records how the
    relationship and identity were checked.
    """

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    requester = ForeignKey(LazyTableReference("User", module_path="backend.accounts.tables"), index=True)
    relative = ForeignKey(LazyTableReference("User", module_path="backend.accounts.tables"), index=True)
    relation = Varchar(length=20)
    #: What the requester calls the relative ("妈妈"), as they typed it: shown to the
    #: requester alone, and never made anyone's account name.
    label = Varchar(length=50, default="")
    #: The script the typed text was written in (zh-Hans | zh-Hant); None: written before it was recorded.
    script = Varchar(length=8, null=True, default=None)
    #: pending | active | revoked
    status = Varchar(length=8, default="pending", index=True)
    #: "<requester>:<relative>", unique: one link per pair.
    pair = Varchar(length=32, unique=True)
    created_at = Timestamptz()
    confirmed_by = ForeignKey(
        LazyTableReference("User", module_path="backend.accounts.tables"), null=True, default=None
    )
    confirmed_at = Timestamptz(null=True, default=None)
    #: home_visit | phone | smartphone | in_person, when a grid worker confirmed it.
    identity_check = Varchar(length=16, null=True, default=None)
