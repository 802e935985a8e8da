"""Users and the audit trail. Every query for accounts lives here."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import anyio
import msgspec
from piccolo.columns import Column

from backend.accounts.structs import FLAGS, Contact, Flag, MeUpdate, RegionRef, User, UserCreate, UserRef
from backend.accounts.tables import User as UserRow
from backend.lib.audit import audit
from backend.lib.auth import CurrentUser, Role
from backend.lib.clock import Clock
from backend.lib.crypto import FieldCipher
from backend.lib.db import existing, is_unique_violation, write_transaction
from backend.lib.errors import AppError, Invalid, NotFound
from backend.lib.i18n import Locale, script_of, to_script
from backend.lib.privacy import mask_id_number, normalize_phone, valid_id_number
from backend.regions import service as regions

#: Which region levels a role's home region may be.
HOME_LEVELS: dict[str, set[str]] = {
    "resident": {"grid", "village"},
    "grid_worker": {"grid", "village"},
    "staff": {"township"},
    "admin": {"county"},
}
USER_COLUMNS = (
    UserRow.id,
    UserRow.phone,
    UserRow.name,
    UserRow.name_script,
    UserRow.role,
    UserRow.locale,
    UserRow.locale_chosen,
    UserRow.elder_mode,
    UserRow.elderly,
    UserRow.disabled,
    UserRow.lives_alone,
    UserRow.id_number_masked,
    UserRow.created_at,
    UserRow.active,
    UserRow.region.code,
    UserRow.region.level,
    UserRow.region.name_hans,
    UserRow.region.name_hant,
)


def to_struct(row: dict[str, Any], locale: Locale) -> User:
    region = None
    if row["region.code"]:
        region = RegionRef(
            code=row["region.code"],
            level=row["region.level"],
            name=row["region.name_hant"] if locale == "zh-Hant" else row["region.name_hans"],
        )
    return User(
        id=row["id"],
        phone=row["phone"],
        name=to_script(row["name"], locale, script_of(row["name_script"])),
        role=row["role"],
        region=region,
        locale=row["locale"],
        locale_chosen=row["locale_chosen"],
        elder_mode=row["elder_mode"],
        flags=[flag for flag in FLAGS if row[flag]],
        id_number=row["id_number_masked"],
        created_at=row["created_at"],
        active=row["active"],
    )


async def load_current_user(user_id: int) -> CurrentUser | None:
    """The signed-in identity for a token's subject; None if removed."""
    # Written out: it runs on every signed-in request, and Piccolo's join building cost more than the query.
    rows = await UserRow.raw(
        'SELECT app_user.id, app_user.role, app_user.locale, region.code AS "region.code" FROM app_user '
        "LEFT JOIN region ON region.id = app_user.region WHERE app_user.id = {} AND app_user.active = {}",
        user_id,
        True,
    )
    if not rows:
        return None
    row = rows[0]
    return CurrentUser(id=row["id"], role=row["role"], locale=row["locale"], region_code=row["region.code"])


async def get_user(user_id: int, locale: Locale) -> User:
    row = await UserRow.select(*USER_COLUMNS).where(UserRow.id == user_id).first()
    if row is None:
        raise NotFound()
    return to_struct(row, locale)


async def contacts(user_ids: list[int]) -> dict[int, Contact]:
    """Phone and saved script of each active user among ``user_ids``."""
    if not user_ids:
        return {}
    rows = await UserRow.select(UserRow.id, UserRow.phone, UserRow.locale).where(
        UserRow.id.is_in(list(user_ids)) & UserRow.active.eq(True)
    )
    return {row["id"]: Contact(id=row["id"], phone=row["phone"], locale=row["locale"]) for row in rows}


async def find_by_phone(phone: str) -> UserRef | None:
    """Who has ``phone``, if anyone: id, name, role, saved script and whether still active."""
    row = (
        await UserRow.select(UserRow.id, UserRow.name, UserRow.role, UserRow.locale, UserRow.active)
        .where(UserRow.phone == phone)
        .first()
    )
    return msgspec.convert(row, UserRef, strict=False) if row is not None else None


async def update_me(user: CurrentUser, patch: MeUpdate) -> User:
    values: dict[Column | str, Any] = {
        UserRow._meta.get_column_by_name(name): value
        for name, value in msgspec.structs.asdict(patch).items()
        if value is not msgspec.UNSET
    }
    if patch.name is not msgspec.UNSET:
        name = patch.name.strip()
        if len(name) > 50:
            raise Invalid("request.invalid_field", field="name")
        values[UserRow.name] = name
        # One's own name is typed on a screen in one's own (saved, or now chosen) script.
        values[UserRow.name_script] = patch.locale if patch.locale is not msgspec.UNSET else user.locale
    if patch.locale is not msgspec.UNSET:
        values[UserRow.locale_chosen] = True
    if values:
        async with write_transaction():
            await UserRow.update(values).where(UserRow.id == user.id)
    locale = patch.locale if patch.locale is not msgspec.UNSET else user.locale
    return await get_user(user.id, locale)


async def region_id_for(role: Role, code: str | None) -> int | None:
    if code is None:
        if role in ("staff", "admin"):
            raise Invalid("user.region_invalid", field="region")
        return None
    region_id = await regions.id_for_code(code)
    if region_id is None or regions.level_of(code) not in HOME_LEVELS[role]:
        raise Invalid("user.region_invalid", field="region")
    return region_id


async def create_user(
    data: UserCreate,
    cipher: FieldCipher | None = None,
    actor: int | None = None,
    *,
    now: datetime | None = None,
    name_script: Locale | None = None,
) -> User:
    """Create a user; the phone must be new and the home region fit the role.

    ``now`` is the request's instant; the command line and seeding, which have no
    request, leave it out and get the wall clock. ``name_script``: the script whoever
    typed the name wrote in (without it, the new user's own).
    """
    at = now if now is not None else Clock().now()
    phone = normalize_phone(data.phone)
    if phone is None:
        raise Invalid("auth.phone_invalid", field="phone")
    region_id = await region_id_for(data.role, data.region)
    encrypted = masked = None
    if data.id_number:
        number = data.id_number.strip().upper()
        if cipher is None or not valid_id_number(number):
            raise Invalid("user.id_number_invalid", field="id_number")
        encrypted, masked = cipher.encrypt(number, "user.id_number"), mask_id_number(number)
    flags: set[Flag] = set(data.flags)
    row = UserRow(
        phone=phone,
        name=data.name.strip(),
        name_script=(name_script or data.locale) if data.name.strip() else None,
        role=data.role,
        region=region_id,
        locale=data.locale,
        elderly="elderly" in flags,
        disabled="disabled" in flags,
        lives_alone="lives_alone" in flags,
        id_number_enc=encrypted,
        id_number_masked=masked,
        created_at=at,
    )
    taken = AppError(409, "user.phone_taken", details={"field": "phone"})
    try:
        async with write_transaction():
            if await UserRow.exists().where(UserRow.phone == phone):
                raise taken
            await row.save()
            await audit(actor, "user.create", "user", row.id, {"role": data.role}, at=at)
    except Exception as exc:
        if is_unique_violation(exc):
            raise taken from None
        raise
    return await get_user(row.id, data.locale)


async def get_or_create_resident(phone: str, locale: Locale, now: datetime) -> int:
    """The id of the user with ``phone``, creating a resident on first sign-in.

    Not to be called inside another transaction: on PostgreSQL the insert that loses
    a race aborts the transaction, and the lookup after it needs a live one.
    """
    found = await find_by_phone(phone)
    if found:
        return found.id
    try:
        created = await create_user(UserCreate(phone=phone, locale=locale), now=now)
    except AppError as exc:
        if exc.key != "user.phone_taken":
            raise
        # Someone else created it between our check and our insert.
        return existing(await find_by_phone(phone)).id
    return created.id


async def read_id_number(user_id: int, cipher: FieldCipher, actor: int, *, now: datetime) -> str | None:
    """The full id number, for the few screens that need it; every read is audited."""
    row = await UserRow.select(UserRow.id_number_enc).where(UserRow.id == user_id).first()
    if row is None:
        raise NotFound()
    if not row["id_number_enc"]:
        return None
    async with write_transaction():
        await audit(actor, "user.read_id_number", "user", user_id, at=now)
    return cipher.decrypt(row["id_number_enc"], "user.id_number")


async def count_users() -> int:
    return await UserRow.count()


DEMO_USERS = Path(__file__).parent / "seed" / "demo_users.json"


async def seed_demo_users(cipher: FieldCipher, path: Path = DEMO_USERS) -> list[User]:
    """Create the demo users whose phones are not taken yet; return all of them."""
    wanted = msgspec.json.decode(await anyio.Path(path).read_bytes(), type=list[UserCreate])
    for data in wanted:
        if await find_by_phone(data.phone) is None:
            await create_user(data, cipher)
    users = []
    for data in wanted:
        found = await find_by_phone(data.phone)
        if found is not None:
            users.append(await get_user(found.id, "zh-Hans"))
    return users
