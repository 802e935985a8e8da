"""Runtime settings, read from the environment once, inside ``create_app``.

Tests build ``Settings(...)`` directly; nothing here runs at import time.

Each field is one setting, written once: its variable is ``BIANMIN_`` and the field
name in capitals unless the field names another (``DATABASE_URL``), its default is
the field's default, its limits are ``msgspec.Meta`` on the type. ``from_env``
hands the variables to ``msgspec.convert``, which parses and checks them.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, cast

import msgspec
import msgspec.inspect

#: Where the checked-out project keeps the built PWA and the locale files.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Accepted spellings of an on/off variable (any case).
ON = frozenset({"1", "true", "yes", "on"})
OFF = frozenset({"0", "false", "no", "off"})


class SettingsError(Exception):
    """A setting is present but unusable; the process must not start."""


def _env_name(field: str) -> str:
    return f"BIANMIN_{field.upper()}"


class Settings(msgspec.Struct, frozen=True, kw_only=True, rename=_env_name):
    data_dir: Path = Path("./data")
    #: Empty means the embedded SQLite file in ``data_dir``.
    database_url: str = msgspec.field(default="", name="DATABASE_URL")
    host: str = "127.0.0.1"
    port: int = 8000
    #: Empty means "read or create ``data_dir/secret_key``" (see ``resolve_secret``).
    secret_key: str = ""
    #: None means: on for the embedded SQLite default, off with ``DATABASE_URL``.
    demo: bool | None = None
    sms_backend: Literal["log", "webhook"] = "log"
    sms_webhook_url: str = ""
    vapid_subject: str = "mailto:admin@localhost"
    #: Local push services the worker may reach although they are not public https hosts:
    #: addresses with an optional port, ``127.0.0.1:8123, [::1]`` (tests and benchmarks only;
    #: see ``push_allowance``). Empty: every endpoint must be https on a public address.
    push_allow_insecure: str = ""
    timezone: str = "Asia/Shanghai"
    pwa_dir: Path = PROJECT_ROOT / "pwa" / "dist"
    #: Count the address your proxy puts last in X-Forwarded-For (only behind your own reverse proxy).
    trust_forwarded_for: bool = False
    pg_pool_max: int = 10
    #: Limit for complaints and suggestions without a catalog entry (working days).
    default_time_limit_days: int = 15
    #: 加急: an urgent complaint's limit in hours when its catalog entry names none.
    urgent_hours: Annotated[int, msgspec.Meta(ge=1, le=720)] = 24
    #: 延期: agreed extensions a case may have (the county's rule).
    max_extensions: Annotated[int, msgspec.Meta(ge=0, le=10)] = 1
    #: Working days an open case may go without news for its resident before it is silent.
    silent_days: Annotated[int, msgspec.Meta(ge=1, le=60)] = 3
    #: Run the timers inside the app (``bianmin serve`` with one process).
    timers_in_process: bool = False
    timer_interval_seconds: int = msgspec.field(default=60, name="BIANMIN_TIMER_INTERVAL")
    #: Deliver notifications inside the app (``bianmin serve`` with one process).
    delivery_in_process: bool = False
    #: Seconds between delivery rounds when the outbox is empty.
    delivery_interval_seconds: int = msgspec.field(default=2, name="BIANMIN_DELIVERY_INTERVAL")
    #: Seconds a claimed batch stays reserved for its worker; after a crash it is retried then.
    delivery_lease_seconds: int = msgspec.field(default=120, name="BIANMIN_DELIVERY_LEASE")
    #: Push messages in flight at once per process.
    push_concurrency: int = 32
    #: Statistics exports running at once: per person, and in one process (429 beyond).
    stats_exports_per_user: Annotated[int, msgspec.Meta(ge=1)] = 1
    stats_exports_per_process: Annotated[int, msgspec.Meta(ge=1)] = 2
    #: CPU priority ``bianmin worker`` lowers itself by (0–19): delivery and timers can
    #: wait a moment, a person waiting for a page cannot (bench/README.md, push fan-out).
    worker_nice: Annotated[int, msgspec.Meta(ge=0, le=19)] = 10
    #: A bad rating must be called back and fixed within these many working days.
    follow_up_callback_days: int = 1
    follow_up_fix_days: int = 5
    #: Largest photo upload accepted, in bytes (413 beyond).
    media_max_bytes: int = 10 * 1024 * 1024
    #: Largest request body on every other route, in bytes (413 beyond, before it is read
    #: when Content-Length says so). JSON bodies are a few kilobytes; catalog spreadsheets less than this.
    max_body_bytes: int = 1024 * 1024
    #: Seconds a request body may take to arrive once the app starts reading it (408 after).
    body_timeout_seconds: Annotated[float, msgspec.Meta(gt=0)] = msgspec.field(
        default=60.0, name="BIANMIN_BODY_TIMEOUT"
    )
    #: Largest request line and headers together, in bytes (``bianmin serve`` answers 431
    #: beyond). Browsers send 1–2 KiB; a big cookie jar 8 KiB.
    max_header_bytes: Annotated[int, msgspec.Meta(ge=4096)] = 16 * 1024
    #: Seconds a connection may take to send a request's headers (``bianmin serve`` answers
    #: 408 and hangs up after); also how long a new connection may stay silent.
    header_timeout_seconds: Annotated[float, msgspec.Meta(gt=0)] = msgspec.field(
        default=10.0, name="BIANMIN_HEADER_TIMEOUT"
    )

    # Policy, not deployment: code and tests set these, the environment does not (FIXED).
    locales_dir: Path = PROJECT_ROOT / "locales"
    otp_ttl_seconds: int = 300
    otp_limit: int = 5
    otp_window_seconds: int = 900
    #: Sign-in sessions (``accounts/_sessions.py``, docs/DESIGN.md "Sessions"). Each use
    #: moves a session's end out by its idle time, up to its lifetime from sign-in.
    #: A resident who asked to stay signed in on her own phone: half a year idle, two years in all.
    session_idle_days_kept: int = 180
    session_lifetime_days_kept: int = 730
    #: A grid worker, clerk or admin who asked the same: their accounts reach many residents.
    session_idle_days_official: int = 7
    session_lifetime_days_official: int = 30
    #: Anyone who did not ask (a shared or borrowed phone): half a day idle, the same lifetime.
    session_idle_hours_shared: int = 12
    #: Code requests, and code checks, per phone (or known device) in a day: with the
    #: 15-minute limit alone a patient guesser gets 480 checks a day (docs/DESIGN.md, "Sign-in limits").
    otp_daily_limit: int = 20
    #: Failed receipt lookups per IP in ``otp_window_seconds``.
    lookup_limit: int = 10
    #: Searches for people by phone digits (GET /users, /residents) per user in ``otp_window_seconds``.
    search_limit: int = 30

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``env`` (the process environment when omitted).

        An empty variable means the default. A variable that does not parse or is out
        of range raises ``SettingsError`` naming it:

        >>> Settings.from_env({"BIANMIN_PORT": "8080", "BIANMIN_DEMO": "off"}).port
        8080
        >>> Settings.from_env({"BIANMIN_WORKER_NICE": "25"})
        Traceback (most recent call last):
        backend.settings.SettingsError: BIANMIN_WORKER_NICE must be a whole number from 0 to 19, got '25'
        """
        env = os.environ if env is None else env
        fields = _variables()
        given = {name: env[name].strip() for name in fields if env.get(name, "").strip()}
        values = {name: _on_off(raw) if _is_on_off(fields[name].type) else raw for name, raw in given.items()}
        try:
            settings = msgspec.convert(values, cls, strict=False, dec_hook=_path)
        except msgspec.ValidationError as exc:
            name = _failed_name(exc)
            raise SettingsError(f"{name} must be {_expected(fields[name].type)}, got {given[name]!r}") from None
        if settings.sms_backend == "webhook" and not settings.sms_webhook_url:
            raise SettingsError("BIANMIN_SMS_BACKEND=webhook needs BIANMIN_SMS_WEBHOOK_URL")
        try:
            settings.push_allowance  # noqa: B018 - parses, or says what is wrong
        except ValueError as exc:
            raise SettingsError(
                f"BIANMIN_PUSH_ALLOW_INSECURE must list addresses of local push services "
                f"(127.0.0.1 or 127.0.0.1:8123 or [::1]:8123, comma-separated): {exc}"
            ) from None
        return settings

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'bianmin.sqlite3'}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite:")

    @property
    def demo_enabled(self) -> bool:
        return self.is_sqlite if self.demo is None else self.demo

    @property
    def push_allowance(self) -> frozenset[tuple[IPAddress, int | None]]:
        """The (address, port or None for any port) pairs of ``push_allow_insecure``.

        Only IP addresses are named, never host names: the allowance is checked on
        the address the worker is about to connect to.

        >>> sorted(Settings(push_allow_insecure="127.0.0.1, [::1]:8123").push_allowance, key=str)
        [(IPv4Address('127.0.0.1'), None), (IPv6Address('::1'), 8123)]
        """
        text = self.push_allow_insecure.strip()
        if text.lower() in OFF:
            return frozenset()
        return frozenset(_address_and_port(entry.strip()) for entry in text.split(",") if entry.strip())


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address_and_port(entry: str) -> tuple[IPAddress, int | None]:
    """``127.0.0.1``, ``127.0.0.1:8123``, ``::1``, ``[::1]:8123``; raises ValueError naming ``entry``."""
    host, port = entry, None
    if entry.startswith("["):
        host, bracket, rest = entry[1:].partition("]")
        if not bracket:
            raise ValueError(f"{entry!r} misses its ]")
        if rest:
            port = _port(rest.removeprefix(":"), entry)
    elif entry.count(":") == 1:
        host, _, rest = entry.partition(":")
        port = _port(rest, entry)
    try:
        return ipaddress.ip_address(host), port
    except ValueError:
        raise ValueError(f"{entry!r} is not an IP address") from None


def _port(text: str, entry: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"{entry!r} has no valid port")
    return int(text)


#: Fields the environment does not set: policy, changed with the code (and by tests).
FIXED = frozenset(
    {
        "locales_dir",
        "otp_ttl_seconds",
        "otp_limit",
        "otp_window_seconds",
        "session_idle_days_kept",
        "session_lifetime_days_kept",
        "session_idle_days_official",
        "session_lifetime_days_official",
        "session_idle_hours_shared",
        "otp_daily_limit",
        "lookup_limit",
        "search_limit",
    }
)


def _variables() -> dict[str, msgspec.inspect.Field]:
    """The fields the environment sets, by variable name."""
    info = cast(msgspec.inspect.StructType, msgspec.inspect.type_info(Settings))
    return {field.encode_name: field for field in info.fields if field.name not in FIXED}


def _is_on_off(kind: msgspec.inspect.Type) -> bool:
    kinds = kind.types if isinstance(kind, msgspec.inspect.UnionType) else (kind,)
    return any(isinstance(k, msgspec.inspect.BoolType) for k in kinds)


def _on_off(raw: str) -> bool | str:
    """``True``/``False`` for the spellings in ``ON``/``OFF``; anything else stays text and fails to convert."""
    lowered = raw.lower()
    return True if lowered in ON else False if lowered in OFF else raw


def _path(kind: type, value: Any) -> Any:
    if kind is Path and isinstance(value, str):
        return Path(value)
    raise NotImplementedError


def _failed_name(exc: msgspec.ValidationError) -> str:
    """The variable a conversion error is about ("... - at `$.BIANMIN_PORT`")."""
    return re.findall(r"`\$\.(\w+)`", str(exc))[-1]


def _expected(kind: msgspec.inspect.Type) -> str:
    """What a variable of this type must be, in words: "a whole number from 0 to 19"."""
    if _is_on_off(kind):
        return "on or off"
    if isinstance(kind, msgspec.inspect.LiteralType):
        return " or ".join(str(value) for value in kind.values)
    if isinstance(kind, msgspec.inspect.IntType | msgspec.inspect.FloatType):
        noun = "a whole number" if isinstance(kind, msgspec.inspect.IntType) else "a number"
        if kind.ge is not None and kind.le is not None:
            return f"{noun} from {kind.ge} to {kind.le}"
        bounds = {"more than": kind.gt, "at least": kind.ge, "less than": kind.lt, "at most": kind.le}
        return " ".join([noun, *(f"{words} {limit}" for words, limit in bounds.items() if limit is not None)])
    return "usable"  # text and paths always convert


def resolve_secret(settings: Settings) -> Settings:
    """Return settings with a secret key: the configured one, or one kept in the data dir.

    The generated key is written once with mode 0600 so restarts keep tokens and
    encrypted id numbers readable.
    """
    if settings.secret_key:
        return settings
    path = settings.data_dir / "secret_key"
    key = write_once(path, lambda: secrets.token_urlsafe(48).encode()).decode().strip()
    if len(key) < 32:
        raise SettingsError(f"{path} holds a secret shorter than 32 characters")
    return msgspec.structs.replace(settings, secret_key=key)


def write_once(path: Path, make: Callable[[], bytes]) -> bytes:
    """The content of ``path``, first writing ``make()`` there (mode 0600) if it is missing.

    Written to a private temporary file, then hard-linked into place: a second
    process starting at the same moment never reads a half-written file; the
    first link wins and both read the winner.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(make())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_bytes()
