"""Runtime settings, read from the environment once, inside ``create_app``.

Tests build ``Settings(...)`` directly; nothing here runs at import time.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Literal

import msgspec

#: Where the checked-out project keeps the built PWA and the locale files.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(Exception):
    """A setting is present but unusable; the process must not start."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"expected on/off, got {value!r}")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not value > 0:
        raise SettingsError(f"{name} must be more than 0, got {raw!r}")
    return value


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    data_dir: Path = Path("./data")
    #: Empty means the embedded SQLite file in ``data_dir``.
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    #: Empty means "read or create ``data_dir/secret_key``" (see ``resolve_secret``).
    secret_key: str = ""
    #: None means: on for the embedded SQLite default, off with ``DATABASE_URL``.
    demo: bool | None = None
    sms_backend: Literal["log", "webhook"] = "log"
    sms_webhook_url: str = ""
    vapid_subject: str = "mailto:admin@localhost"
    push_allow_insecure: bool = False
    timezone: str = "Asia/Shanghai"
    pwa_dir: Path = PROJECT_ROOT / "pwa" / "dist"
    locales_dir: Path = PROJECT_ROOT / "locales"

    # Sign-in policy.
    otp_ttl_seconds: int = 300
    otp_limit: int = 5
    otp_window_seconds: int = 900
    token_ttl_days: int = 30
    #: Trust the first X-Forwarded-For address (only behind your own reverse proxy).
    trust_forwarded_for: bool = False
    pg_pool_max: int = 10
    #: Limit for complaints and suggestions without a catalog entry (working days).
    default_time_limit_days: int = 15
    #: Failed receipt lookups per IP in ``otp_window_seconds``.
    lookup_limit: int = 10
    #: Run the case timers inside the app (``bianmin serve`` with one process).
    timers_in_process: bool = False
    timer_interval_seconds: int = 60
    #: Deliver notifications inside the app (``bianmin serve`` with one process).
    delivery_in_process: bool = False
    #: Seconds between delivery rounds when the outbox is empty.
    delivery_interval_seconds: int = 2
    #: Seconds a claimed batch stays reserved for its worker; after a crash it is retried then.
    delivery_lease_seconds: int = 120
    #: Push messages in flight at once per process.
    push_concurrency: int = 32
    #: CPU priority ``bianmin worker`` lowers itself by (0–19): delivery and timers can
    #: wait a moment, a person waiting for a page cannot (bench/README.md, push fan-out).
    worker_nice: int = 10
    #: A bad rating must be called back and fixed within these many working days.
    follow_up_callback_days: int = 1
    follow_up_fix_days: int = 5
    #: Largest photo upload accepted, in bytes (413 beyond).
    media_max_bytes: int = 10 * 1024 * 1024
    #: Largest request body on every other route, in bytes (413 beyond, before it is read
    #: when Content-Length says so). JSON bodies are a few kilobytes; catalog spreadsheets less than this.
    max_body_bytes: int = 1024 * 1024
    #: Seconds a request body may take to arrive once the app starts reading it (408 after).
    body_timeout_seconds: float = 60.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        demo_raw = env.get("BIANMIN_DEMO")
        backend = env.get("BIANMIN_SMS_BACKEND", "log").strip() or "log"
        if backend not in {"log", "webhook"}:
            raise SettingsError(f"BIANMIN_SMS_BACKEND must be log or webhook, got {backend!r}")
        webhook = env.get("BIANMIN_SMS_WEBHOOK_URL", "").strip()
        if backend == "webhook" and not webhook:
            raise SettingsError("BIANMIN_SMS_BACKEND=webhook needs BIANMIN_SMS_WEBHOOK_URL")
        try:
            demo = None if demo_raw is None or demo_raw.strip() == "" else _flag(demo_raw, False)
            insecure = _flag(env.get("BIANMIN_PUSH_ALLOW_INSECURE"), False)
            forwarded = _flag(env.get("BIANMIN_TRUST_FORWARDED_FOR"), False)
            timers = _flag(env.get("BIANMIN_TIMERS_IN_PROCESS"), False)
            delivery = _flag(env.get("BIANMIN_DELIVERY_IN_PROCESS"), False)
        except SettingsError as exc:
            raise SettingsError(f"an on/off setting is wrong: {exc}") from None
        defaults = cls()
        worker_nice = _int(env, "BIANMIN_WORKER_NICE", defaults.worker_nice)
        if not 0 <= worker_nice <= 19:
            raise SettingsError(f"BIANMIN_WORKER_NICE must be from 0 to 19, got {worker_nice}")
        return cls(
            data_dir=Path(env.get("BIANMIN_DATA_DIR", "").strip() or "./data"),
            database_url=env.get("DATABASE_URL", "").strip(),
            host=env.get("BIANMIN_HOST", "").strip() or "127.0.0.1",
            port=_int(env, "BIANMIN_PORT", 8000),
            secret_key=env.get("BIANMIN_SECRET_KEY", "").strip(),
            demo=demo,
            sms_backend=backend,  # type: ignore[arg-type]
            sms_webhook_url=webhook,
            vapid_subject=env.get("BIANMIN_VAPID_SUBJECT", "").strip() or defaults.vapid_subject,
            push_allow_insecure=insecure,
            timezone=env.get("BIANMIN_TIMEZONE", "").strip() or defaults.timezone,
            pwa_dir=Path(env["BIANMIN_PWA_DIR"]) if env.get("BIANMIN_PWA_DIR") else defaults.pwa_dir,
            trust_forwarded_for=forwarded,
            pg_pool_max=_int(env, "BIANMIN_PG_POOL_MAX", defaults.pg_pool_max),
            default_time_limit_days=_int(env, "BIANMIN_DEFAULT_TIME_LIMIT_DAYS", defaults.default_time_limit_days),
            timers_in_process=timers,
            timer_interval_seconds=_int(env, "BIANMIN_TIMER_INTERVAL", defaults.timer_interval_seconds),
            delivery_in_process=delivery,
            delivery_interval_seconds=_int(env, "BIANMIN_DELIVERY_INTERVAL", defaults.delivery_interval_seconds),
            delivery_lease_seconds=_int(env, "BIANMIN_DELIVERY_LEASE", defaults.delivery_lease_seconds),
            push_concurrency=_int(env, "BIANMIN_PUSH_CONCURRENCY", defaults.push_concurrency),
            worker_nice=worker_nice,
            follow_up_callback_days=_int(env, "BIANMIN_FOLLOW_UP_CALLBACK_DAYS", defaults.follow_up_callback_days),
            follow_up_fix_days=_int(env, "BIANMIN_FOLLOW_UP_FIX_DAYS", defaults.follow_up_fix_days),
            media_max_bytes=_int(env, "BIANMIN_MEDIA_MAX_BYTES", defaults.media_max_bytes),
            max_body_bytes=_int(env, "BIANMIN_MAX_BODY_BYTES", defaults.max_body_bytes),
            body_timeout_seconds=_seconds(env, "BIANMIN_BODY_TIMEOUT", defaults.body_timeout_seconds),
        )

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'bianmin.sqlite3'}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite:")

    @property
    def demo_enabled(self) -> bool:
        return self.is_sqlite if self.demo is None else self.demo


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
