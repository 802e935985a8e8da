"""Sign-in by one-time code sent to a phone.

Codes live 5 minutes, are stored only as a keyed hash, compared in constant time,
and used once. Sends and failed checks are each limited per phone and per IP
within a sliding window (5 per 15 minutes by default); past that: 429 with
Retry-After. The counters live in the database, so every process shares them.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

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
_HASH_PURPOSE = "bianmin otp"


def _phone_or_400(raw: str) -> str:
    phone = normalize_phone(raw)
    if phone is None:
        raise Invalid("auth.phone_invalid", field="phone")
    return phone


async def _check_limit(kind: str, phone: str, ip: str, settings: Settings, now: datetime) -> None:
    await limits.check(
        kind,
        phone=phone,
        ip=ip,
        limit=settings.otp_limit,
        window_seconds=settings.otp_window_seconds,
        key="auth.too_many_attempts",
        at=now,
    )


async def _record(kind: str, phone: str, ip: str, now: datetime) -> None:
    await limits.record(kind, phone=phone, ip=ip, at=now)


async def send_code(
    raw_phone: str, ip: str, locale: Locale, settings: Settings, sms: SmsSender, texts: Texts, now: datetime
) -> OtpSent:
    phone = _phone_or_400(raw_phone)
    await _check_limit("send", phone, ip, settings, now)
    code = f"{secrets.randbelow(10**6):06d}"
    async with write_transaction():
        await _record("send", phone, ip, now)
        # Only the newest code works: an older SMS arriving late must not.
        await OtpCode.update({OtpCode.used_at: now}).where((OtpCode.phone == phone) & OtpCode.used_at.is_null())
        await OtpCode.insert(
            OtpCode(
                phone=phone,
                code_hash=keyed_hash(settings.secret_key, _HASH_PURPOSE, f"{phone}:{code}"),
                created_at=now,
                expires_at=now + timedelta(seconds=settings.otp_ttl_seconds),
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
    *,
    remember: bool = True,
    user_agent: str = "",
) -> LoginResult:
    """Trade a phone's current code for an access token; a new phone becomes a resident.

    The token names a new session (``_sessions``): long when ``remember`` (her own
    phone), half a day otherwise; labelled with the browser ``user_agent`` names.

    Failed checks are recorded (and committed) before the refusal, so they count
    against the limit. Claiming the code and creating the resident are separate
    transactions: the resident's own handles a twin sign-in that created it first.
    """
    phone = _phone_or_400(raw_phone)
    await _check_limit("fail", phone, ip, settings, now)
    current = (
        await OtpCode.select(OtpCode.id, OtpCode.code_hash, OtpCode.expires_at)
        .where((OtpCode.phone == phone) & OtpCode.used_at.is_null())
        .order_by(OtpCode.id, ascending=False)
        .first()
    )
    offered = keyed_hash(settings.secret_key, _HASH_PURPOSE, f"{phone}:{code.strip()}")
    if current is None or current["expires_at"] <= now:
        await _record("fail", phone, ip, now)
        raise AppError(401, "auth.code_expired")
    if not same(offered, current["code_hash"]):
        await _record("fail", phone, ip, now)
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
    existing = await service.find_by_phone(phone)
    if existing is not None and not existing.active:
        raise AppError(401, "auth.invalid_token")
    user_id = await service.get_or_create_resident(phone, locale, now)
    user = await service.get_user(user_id, existing.locale if existing is not None else locale)
    token = await sessions.sign_in(user_id, user.role, settings, remembered=remember, user_agent=user_agent, now=now)
    return LoginResult(access_token=token, user=user)
