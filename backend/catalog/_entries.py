"""Reading the catalog: listing, cross-script search, one entry.

Search works on one normalized form of the text (Simplified, case-folded; see
``lib.i18n.search_form``) kept beside each entry, so 醫療救助 finds 医疗救助.
"""

from __future__ import annotations

import time
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import anyio
import msgspec

from backend.catalog.structs import (
    CATEGORIES,
    CHANNELS,
    Channel,
    Service,
    ServiceRecord,
    ServiceTerms,
    ServiceWrite,
    Township,
)
from backend.catalog.tables import Service as Row
from backend.lib.auth import CODE_LENGTH
from backend.lib.clock import Clock
from backend.lib.db import write_transaction
from backend.lib.errors import NotFound
from backend.lib.i18n import Locale, Texts, search_form, to_script
from backend.regions import service as regions

SEED = Path(__file__).parent / "seed" / "services.json"
ALIASES = Path(__file__).parent / "seed" / "search_aliases.json"
_CATEGORY_ORDER = {slug: i for i, slug in enumerate(CATEGORIES)}
COUNTY_DIGITS = CODE_LENGTH["county"]
#: What an entry is read with, its township joined in (the staff list reads the same).
COLUMNS = (
    *(c for c in Row._meta.columns if c._meta.name not in {"township", "county", "search_name", "search_text"}),
    Row.county,
    Row.township.code,
    Row.township.name_hans,
    Row.township.name_hant,
)


def _list(value: Any) -> list[str]:
    """JSON columns come back as text on some engines and as lists on others."""
    if isinstance(value, str):
        return msgspec.json.decode(value or "[]", type=list[str])
    return list(value or [])


def _channels(row: dict[str, Any]) -> list[Channel]:
    return [channel for channel in CHANNELS if row[channel]]


def to_public(row: dict[str, Any], locale: Locale, texts: Texts) -> Service:
    script = "hant" if locale == "zh-Hant" else "hans"
    township = None
    if row["township.code"]:
        township = Township(code=row["township.code"], name=row[f"township.name_{script}"])
    return Service(
        code=row["code"],
        category=row["category"],
        category_name=texts.t(locale, f"catalog.category.{row['category']}"),
        name=row[f"name_{script}"],
        description=row[f"description_{script}"],
        policy_basis=row[f"policy_basis_{script}"],
        implementing_body=row[f"implementing_body_{script}"],
        target_groups=_list(row[f"target_groups_{script}"]),
        materials=_list(row[f"materials_{script}"]),
        time_limit_days=row["time_limit_days"],
        channels=_channels(row),
        fee=row[f"fee_{script}"],
        active=row["active"],
        township=township,
        urgent_hours=row.get("urgent_hours"),
    )


def to_record(row: dict[str, Any]) -> ServiceRecord:
    return ServiceRecord(
        code=row["code"],
        category=row["category"],
        name_hans=row["name_hans"],
        name_hant=row["name_hant"],
        description_hans=row["description_hans"],
        description_hant=row["description_hant"],
        policy_basis_hans=row["policy_basis_hans"],
        policy_basis_hant=row["policy_basis_hant"],
        implementing_body_hans=row["implementing_body_hans"],
        implementing_body_hant=row["implementing_body_hant"],
        target_groups_hans=_list(row["target_groups_hans"]),
        target_groups_hant=_list(row["target_groups_hant"]),
        materials_hans=_list(row["materials_hans"]),
        materials_hant=_list(row["materials_hant"]),
        time_limit_days=row["time_limit_days"],
        channels=_channels(row),
        fee_hans=row["fee_hans"],
        fee_hant=row["fee_hant"],
        active=row["active"],
        township=row["township.code"],
        updated_at=row["updated_at"],
        urgent_hours=row.get("urgent_hours"),
    )


def column_values(data: ServiceWrite, township_id: int | None, county: str, now: datetime) -> dict[Any, Any]:
    """Every stored column for ``data`` (an entry of ``county``) as of ``now``; missing
    Traditional text is converted from Simplified."""

    def hant(simplified: Any, given: Any) -> Any:
        if given is not None:
            return given
        if isinstance(simplified, list):
            return [to_script(item, "zh-Hant") for item in simplified]
        return to_script(simplified, "zh-Hant")

    values: dict[str, Any] = {
        "code": data.code,
        "category": data.category,
        "time_limit_days": data.time_limit_days,
        "urgent_hours": data.urgent_hours,
    }
    for field in ("name", "description", "policy_basis", "implementing_body", "fee", "target_groups", "materials"):
        simplified = getattr(data, f"{field}_hans")
        values[f"{field}_hans"] = simplified
        values[f"{field}_hant"] = hant(simplified, getattr(data, f"{field}_hant"))
    for channel in CHANNELS:
        values[channel] = channel in data.channels
    values["active"] = data.active
    values["township"] = township_id
    values["county"] = county
    values["search_name"] = search_form(f"{values['name_hans']} {values['name_hant']}")
    values["search_text"] = search_form(
        " ".join(
            [
                values["description_hans"],
                values["description_hant"],
                values["implementing_body_hans"],
                *values["materials_hans"],
                *values["materials_hant"],
                *values["target_groups_hans"],
                *values["target_groups_hant"],
            ]
        )
    )
    for field in ("target_groups_hans", "target_groups_hant", "materials_hans", "materials_hant"):
        values[field] = msgspec.json.encode(values[field]).decode()
    values["updated_at"] = now
    return {Row._meta.get_column_by_name(name): value for name, value in values.items()}


@lru_cache(maxsize=1)
def _aliases() -> dict[str, list[str]]:
    """What people type for what catalogs write (低保 for 最低生活保障), in search form."""
    raw = msgspec.json.decode(ALIASES.read_bytes(), type=dict[str, list[str]])
    return {search_form(short): [search_form(full) for full in fulls] for short, fulls in raw.items()}


def _forms(term: str) -> list[str]:
    """A search term and the full forms it abbreviates."""
    return [term, *_aliases().get(term, [])]


def _rank(entry: _Entry, phrase: str, terms: list[str]) -> tuple[int, int, str]:
    """Name matches first: exact, then prefix, then every term, then some; then the rest."""
    name = entry.name_form

    def in_name(term: str) -> bool:
        return any(form in name for form in _forms(term))

    if name == phrase:
        score = 0
    elif name.startswith(phrase):
        score = 1
    elif phrase in name:
        score = 2
    elif all(in_name(term) for term in terms):
        score = 3
    elif any(in_name(term) for term in terms):
        score = 4
    else:
        score = 5
    return score, len(name), entry.row["code"]


class _Entry(msgspec.Struct):
    """One active entry as stored, with its search forms and its rendering per script."""

    row: dict[str, Any]
    name_form: str
    shown: dict[str, Service] = msgspec.field(default_factory=dict)

    def matches(self, form: str) -> bool:
        return form in self.row["search_name"] or form in self.row["search_text"]

    def public(self, locale: Locale, texts: Texts) -> Service:
        if locale not in self.shown:
            self.shown[locale] = to_public(self.row, locale, texts)
        return self.shown[locale]


#: The active catalog of this process, keyed by what the database says its version is.
#: A catalog has a hundred-odd entries and changes a few times a year; reading and
#: rendering all of it on every search was most of a search's cost (bench/README.md).
#:
#: The cache is per process (each ``serve`` worker keeps its own) and is never written
#: to by an edit: every search first asks the database for ``count(*)`` and
#: ``max(updated_at)`` of the catalog, and an edit in any process changes one of them
#: (a write sets ``updated_at``; entries are retired, never deleted), so the next search
#: everywhere reads the catalog again. ``time.monotonic`` is this process's own timer,
#: not the app's clock: it only measures how old the copy is.
_loaded: dict[str, Any] = {"version": None, "entries": [], "at": 0.0}
#: Read again after this long even if the version looks the same (an edit stamped with
#: an instant no later than the newest ``updated_at``, e.g. by a server whose clock is
#: behind, leaves the version unchanged).
_RELOAD_SECONDS = 60.0


async def _active_entries() -> list[_Entry]:
    [version] = await Row.raw("SELECT count(*) AS n, max(updated_at) AS at FROM service")
    key = (id(Row._meta.db), version["n"], str(version["at"]))
    if _loaded["version"] != key or time.monotonic() - _loaded["at"] > _RELOAD_SECONDS:
        rows = await Row.select(*COLUMNS, Row.search_name, Row.search_text).where(Row.active.eq(True))
        _loaded.update(
            version=key,
            entries=[_Entry(row=row, name_form=search_form(row["name_hans"])) for row in rows],
            at=time.monotonic(),
        )
    return _loaded["entries"]


async def list_services(
    locale: Locale,
    texts: Texts,
    *,
    q: str | None = None,
    category: str | None = None,
    channel: str | None = None,
    township: str | None = None,
    county: str | None = None,
) -> list[Service]:
    """Active entries of ``county`` (``township``'s when None): its county-wide ones plus
    ``township``'s own (all its townships' when None). Neither: every county's entries."""
    entries = await _active_entries()
    county = county or (township[:COUNTY_DIGITS] if township else None)
    if county is not None:
        entries = [e for e in entries if e.row["county"] == county]
    if township is not None:
        entries = [e for e in entries if e.row["township.code"] in (None, township)]
    if category is not None:
        entries = [e for e in entries if e.row["category"] == category]
    if channel is not None:
        entries = [e for e in entries if e.row[channel]]
    phrase = search_form(q or "").replace("%", "").replace("_", "")
    terms = phrase.split()
    for term in terms:
        forms = _forms(term)
        entries = [e for e in entries if any(e.matches(form) for form in forms)]
    if terms:
        entries = sorted(entries, key=lambda entry: _rank(entry, phrase, terms))
    else:
        entries = sorted(entries, key=lambda entry: (_CATEGORY_ORDER.get(entry.row["category"], 99), entry.row["code"]))
    return [entry.public(locale, texts) for entry in entries]


async def get_row(code: str) -> dict[str, Any] | None:
    """One entry as stored, active or not (for this domain only: others get ``terms``)."""
    return await Row.select(*COLUMNS).where(Row.code == code.upper()).first()


async def get_service(code: str, locale: Locale, texts: Texts) -> Service:
    """One active entry, or 404 (a retired entry is gone for the public)."""
    row = await get_row(code)
    if row is None or not row["active"]:
        raise NotFound()
    return to_public(row, locale, texts)


async def terms(code: str) -> ServiceTerms | None:
    """Whether an entry takes cases and bookings, and on what terms; None if no such code.

    ``code`` as stored (upper case). Written out: it runs on every case submission.
    """
    rows = await Row.raw(
        "SELECT code, name_hans, active, time_limit_days, online, door_to_door, proxy, county, urgent_hours"
        " FROM service WHERE code = {}",
        code,
    )
    # SQLite answers 0/1 for the flags; the lax conversion reads them as booleans.
    return msgspec.convert(rows[0], ServiceTerms, strict=False) if rows else None


async def seed(path: Path = SEED, *, now: datetime | None = None, county: str | None = None) -> int:
    """Insert the starting catalog's entries whose codes are missing, stamped ``now``; return how many.

    Existing entries are left alone, so staff corrections survive a re-seed. Without
    ``now`` (the command line's and the tests' seeding, which have no clock of their
    own), the real clock's. County-wide entries become ``county``'s, by default the
    first county of the region tree (the one ``regions.seed`` loads).
    """
    if county is None:
        counties = await regions.list_children(None, "zh-Hans")
        county = counties[0].code if counties else ""
    entries = msgspec.json.decode(await anyio.Path(path).read_bytes())
    existing = {row["code"] for row in await Row.select(Row.code)}
    created = now or Clock().now()
    new_rows = []
    for entry in entries:
        if entry["code"] in existing:
            continue
        data = ServiceWrite(
            code=entry["code"],
            category=entry["category"],
            name_hans=entry["name"],
            description_hans=entry["description"],
            policy_basis_hans=entry["policy_basis"],
            implementing_body_hans=entry["implementing_body"],
            target_groups_hans=entry["target_groups"],
            materials_hans=entry["materials"],
            time_limit_days=entry["time_limit_days"],
            channels=entry["channels"],
            fee_hans=entry["fee"],
        )
        township = entry.get("township")
        township_id = await regions.id_for_code(township) if township else None
        owner = township[:COUNTY_DIGITS] if township else county
        values = {
            column._meta.name: value for column, value in column_values(data, township_id, owner, created).items()
        }
        new_rows.append(Row(**values, created_at=created))
    if new_rows:
        async with write_transaction(Row):
            await Row.insert(*new_rows)
    return len(new_rows)
