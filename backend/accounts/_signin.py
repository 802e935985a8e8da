"""Sign-in by one-time code sent to a phone.

Codes live 5 minutes, are stored only as a keyed hash, compared in constant time,
and used once; a code checked 5 times is void. Sends and checks are each limited
(5 per 15 minutes and 20 a day by default) per phone for anyone without a known
device, per known device (``_devices``) for its own, and per address across phones;
past that: 429 with Retry-After. A check is counted before its code is compared
and given back when the code was right. The counters live in the database, so
every process shares them (``_limits``).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from backend.accounts import _devices as devices
from backend.accounts import _limits as limits
from backend.accounts import _sessions as sessions
from backend.accounts import _users as service
from backend.accounts.structs import LoginResult, OtpSent
from backend.accounts.tables import OtpCode
from backend.lib.crypto import keyed_hash, same
from backend.lib.db import write_transaction
from backend.lib.errors import AppError, Invalid
from backend.lib.i18n import Locale, Texts
from backend.lib.privacy import normalize_phone
from backend.lib.sms import SmsFailed, SmsSender
from backend.settings import Settings

RESEND_AFTER_SECONDS = 60
#: Checks one code takes before it is void (so each run of guesses costs an SMS).
TRIES_PER_CODE = 5
_DAY = 24 * 3600
_HASH_PURPOSE = "bianmin otp"


def _phone_or_400(raw: str) -> str:
    phone = normalize_phone(raw)
    if phone is None:
        raise Invalid("auth.phone_invalid", field="phone")
    return phone


def _limits(settings: Settings, device: int) -> list[limits.Limit]:
    """A known device has a budget of its own; everyone else shares the phone's, and each
    address has one across phones (a device known to one account is no use for others)."""
    per_window, per_day = settings.otp_limit, settings.otp_daily_limit
    if device:
        return [limits.Limit("device", per_window, settings.otp_window_seconds), limits.Limit("device", per_day, _DAY)]
    return [
        limits.Limit("phone", per_window, settings.otp_window_seconds),
        limits.Limit("phone", per_day, _DAY),
        limits.Limit("ip", per_window, settings.otp_window_seconds),
    ]


async def _take(kind: str, phone: str, ip: str, device: int, settings: Settings, now: datetime) -> int:
    return await limits.take(
        kind, _limits(settings, device), phone=phone, ip=ip, device=device, key="auth.too_many_attempts", at=now
    )


async def send_code(
    raw_phone: str,
    ip: str,
    locale: Locale,
    settings: Settings,
    sms: SmsSender,
    texts: Texts,
    now: datetime,
    device_key: str | None = None,
) -> OtpSent:
    phone = _phone_or_400(raw_phone)
    device = await devices.known(phone, device_key, settings.secret_key)
    code = f"{secrets.randbelow(10**6):06d}"
    async with write_transaction():  # the send is counted with its code, or not at all
        await _take("send", phone, ip, device, settings, now)
        # Only the newest code works: an older SMS arriving late must not. A known
        # device's codes are apart from everyone else's: a stranger asking for a code
        # does not void the one the owner is typing.
        await OtpCode.update({OtpCode.used_at: now}).where(
            (OtpCode.phone == phone) & (OtpCode.device == device) & OtpCode.used_at.is_null()
        )
        await OtpCode.insert(
            OtpCode(
                phone=phone,
                code_hash=keyed_hash(settings.secret_key, _HASH_PURPOSE, f"{phone}:{code}"),
                created_at=now,
                expires_at=now + timedelta(seconds=settings.otp_ttl_seconds),
                device=device,
            )
        )
    existing = await service.find_by_phone(phone)
    text_locale: Locale = existing.locale if existing else locale
    minutes = max(1, settings.otp_ttl_seconds // 60)
    try:
        await sms.send(phone, texts.t(text_locale, "sms.otp", code=code, minutes=minutes), "otp")
    except SmsFailed as exc:
        raise AppError(503, "sms.failed", details={"reason": str(exc)[:200]}) from exc
    return OtpSent(expires_in=settings.otp_ttl_seconds, resend_after=RESEND_AFTER_SECONDS)


async def login(
    raw_phone: str,
    code: str,
    ip: str,
    locale: Locale,
    settings: Settings,
    now: datetime,
    device_key: str | None = None,
    *,
    remember: bool = True,
    user_agent: str = "",
) -> LoginResult:
    """Trade a phone's current code for an access token; a new phone becomes a resident.

    The token names a new session (``_sessions``): long when ``remember`` (her own
    phone), half a day otherwise; labelled with the browser ``user_agent`` names.

    The check is counted (and committed) before the code is compared, so however many
    arrive at once, no more are compared than the limit allows; the right code gives
    its count back. Claiming the code and creating the resident are separate
    transactions: the resident's own handles a twin sign-in that created it first.
    """
    phone = _phone_or_400(raw_phone)
    device = await devices.known(phone, device_key, settings.secret_key)
    attempt = await _take("fail", phone, ip, device, settings, now)
    await _use_code(phone, device, code.strip(), settings, now)
    await limits.give_back(attempt)
    existing = await service.find_by_phone(phone)
    if existing is not None and not existing.active:
        raise AppError(401, "auth.invalid_token")
    user_id = await service.get_or_create_resident(phone, locale, now)
    await devices.remember(user_id, device_key, settings.secret_key, now)
    user = await service.get_user(user_id, existing.locale if existing is not None else locale)
    token = await sessions.sign_in(user_id, user.role, settings, remembered=remember, user_agent=user_agent, now=now)
    return LoginResult(access_token=token, user=user)


async def _use_code(phone: str, device: int, code: str, settings: Settings, now: datetime) -> None:
    """Mark the newest live code of ``phone`` for this device (0: for anyone else) used if
    ``code`` is it; else 401. Each check first counts a try of the code (committed), so a
    code is compared at most ``TRIES_PER_CODE`` times, from anywhere, then void."""
    async with write_transaction():
        current = (
            await OtpCode.select(OtpCode.id, OtpCode.code_hash)
            .where(
                (OtpCode.phone == phone)
                & (OtpCode.device == device)
                & OtpCode.used_at.is_null()
                & (OtpCode.expires_at > now)
            )
            .order_by(OtpCode.id, ascending=False)
            .first()
        )
        tried = current is not None and bool(
            await OtpCode.update({OtpCode.tries: OtpCode.tries + 1})
            .where((OtpCode.id == current["id"]) & (OtpCode.tries < TRIES_PER_CODE))
            .returning(OtpCode.id)
        )
    if current is None or not tried:
        raise AppError(401, "auth.code_expired")
    offered = keyed_hash(settings.secret_key, _HASH_PURPOSE, f"{phone}:{code}")
    if not same(offered, current["code_hash"]):
        raise AppError(401, "auth.code_wrong")
    # Mark used only if still unused, so two simultaneous logins cannot both win.
    async with write_transaction():
        claimed = (
            await OtpCode.update({OtpCode.used_at: now})
            .where((OtpCode.id == current["id"]) & OtpCode.used_at.is_null())
            .returning(OtpCode.id)
        )
    if not claimed:
        raise AppError(401, "auth.code_expired")
