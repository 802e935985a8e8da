"""``bianmin``: the one command line entry point."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar, cast

import click
import msgspec

from backend import jobs
from backend.accounts import service as accounts
from backend.accounts.structs import FLAGS, Flag, UserCreate
from backend.catalog import service as catalog_service
from backend.lib import private_files
from backend.lib.auth import ROLES, CurrentUser, Role
from backend.lib.clock import Clock
from backend.lib.crypto import FieldCipher
from backend.lib.db import DatabaseUnavailable, close_engine, migrate, open_engine
from backend.lib.errors import AppError
from backend.lib.i18n import Texts
from backend.lib.privacy import normalize_phone
from backend.media import service as media_service
from backend.notifications import service as notifications
from backend.regions import service as regions
from backend.settings import Settings, SettingsError, resolve_secret

T = TypeVar("T")
#: Seconds a `serve --workers N` worker may take to answer its supervisor before it is replaced.
WORKER_HEALTHCHECK_SECONDS = 30


class Context(msgspec.Struct):
    settings: Settings
    texts: Texts

    def say(self, key: str, **params: object) -> None:
        click.echo(self.texts.t("zh-Hans", key, **params), err=True)

    def say_users(self, users: list) -> None:
        for user in users:
            role = self.texts.t("zh-Hans", f"role.{user.role}")
            self.say("cli.demo_user", role=role, name=user.name, phone=user.phone)


def _load() -> Context:
    """The settings and texts; the data directory made private first (files 0600, directories 0700)."""
    try:
        settings = Settings.from_env()
        texts = Texts.load(settings.locales_dir)
        changed = private_files.tighten(settings.data_dir)
        if changed:
            click.echo(texts.t("zh-Hans", "cli.data_dir_tightened", path=settings.data_dir, count=changed), err=True)
        settings = resolve_secret(settings)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    return Context(settings=settings, texts=texts)


def _with_database(
    ctx: Context, work: Callable[[], Awaitable[T]], loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None
) -> T:
    """Open the database, run ``work``, close it; unreachable databases stop here, loudly."""

    async def run() -> T:
        try:
            engine = await open_engine(ctx.settings.effective_database_url, ctx.settings.pg_pool_max)
        except DatabaseUnavailable as exc:
            key = "cli.bad_database_url" if "URL" in str(exc) else "cli.db_unreachable"
            raise click.ClickException(ctx.texts.t("zh-Hans", key, detail=exc)) from None
        try:
            return await work()
        finally:
            await close_engine(engine)

    with asyncio.Runner(loop_factory=loop_factory) as runner:
        return runner.run(run())


def _network_loop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed (as under ``bianmin serve``): push delivery is mostly network overhead."""
    try:
        import uvloop  # noqa: PLC0415 - optional, comes with uvicorn[standard]
    except ImportError:
        return None
    return uvloop.new_event_loop


async def _seed(ctx: Context, demo: bool) -> list:
    await regions.seed()
    await catalog_service.seed()
    if not demo:
        return []
    return await accounts.seed_demo_users(FieldCipher(ctx.settings.secret_key))


@click.group()
def main() -> None:
    """Bianmin 便民 — township service desk."""
    # Before any command creates anything: the database, photos and keys are for this user
    # alone, and so is whatever a worker process forked or spawned from here creates.
    os.umask(private_files.UMASK)


@main.command()
@click.option("--host", default=None, help="Address to listen on (BIANMIN_HOST).")
@click.option("--port", type=int, default=None, help="Port (BIANMIN_PORT).")
@click.option("--workers", type=int, default=1, show_default=True, help="Worker processes.")
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Migrate, seed demo data into an empty database, and serve the API and the PWA."""
    import uvicorn  # noqa: PLC0415 - only this command needs the server

    from backend.lib import serving  # noqa: PLC0415 - uvicorn's protocol, likewise

    ctx = _load()
    settings = ctx.settings

    async def prepare() -> list:
        await migrate()
        if settings.demo_enabled and await accounts.count_users() == 0:
            return await _seed(ctx, demo=True)
        return []

    demo_users = _with_database(ctx, prepare)
    host = host or settings.host
    port = port or settings.port
    ctx.say("cli.serving", url=f"http://{host}:{port}/")
    if demo_users:
        ctx.say("cli.demo_header")
        ctx.say_users(demo_users)
    # Workers are separate processes that build the app from the environment.
    os.environ.setdefault("BIANMIN_DATA_DIR", str(settings.data_dir))
    if workers == 1:
        # The only process also runs the case timers; with several, run `bianmin worker`.
        os.environ.setdefault("BIANMIN_TIMERS_IN_PROCESS", "on")
        os.environ.setdefault("BIANMIN_DELIVERY_IN_PROCESS", "on")
    uvicorn.run(
        "backend.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # httptools with a size limit and a deadline on request headers (backend/lib/serving.py).
        http=serving.protocol(settings, ctx.texts),
        proxy_headers=settings.trust_forwarded_for,
        # Uvicorn's default (5 s) kills a worker that is slow to answer its supervisor's
        # ping; on a small, busy server (two cores under load) a starting worker missed it
        # again and again and `serve --workers 2` never came up. A hung worker is still
        # replaced, after 30 s.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        log_level="info",
    )


@main.command()
def worker() -> None:
    """Deliver notifications and run the timers (reminders, escalation, auto-close) until stopped."""
    ctx = _load()
    if ctx.settings.worker_nice:
        # Yield the CPU to the server processes on the same machine.
        os.nice(ctx.settings.worker_nice)
    ctx.say("cli.worker_started", seconds=ctx.settings.timer_interval_seconds)
    clock = Clock()

    async def work() -> None:
        vapid = notifications.load_vapid(ctx.settings.data_dir, ctx.settings.vapid_subject)
        ctx.say("cli.delivery_started", public_key=vapid.application_server_key)
        storage = media_service.storage(ctx.settings)
        await jobs.run(jobs.background(ctx.settings, ctx.texts, vapid, storage), clock.now)

    try:
        _with_database(ctx, work, _network_loop())
    except KeyboardInterrupt:
        ctx.say("cli.worker_stopped")


@main.command()
def vapid() -> None:
    """Print the VAPID public key (creating the key pair in the data dir if missing)."""
    settings = _load().settings
    sys.stdout.write(notifications.load_vapid(settings.data_dir, settings.vapid_subject).application_server_key + "\n")


@main.command("migrate")
def migrate_command() -> None:
    """Apply pending database migrations."""
    ctx = _load()
    _with_database(ctx, migrate)
    ctx.say("cli.migrated")


@main.command()
@click.option("--demo", is_flag=True, help="Also create one demo user of each role.")
def seed(demo: bool) -> None:
    """Load the regions (and with --demo, the demo users)."""
    ctx = _load()

    async def work() -> list:
        await migrate()
        return await _seed(ctx, demo)

    users = _with_database(ctx, work)
    ctx.say("cli.seeded", extra=ctx.texts.t("zh-Hans", "cli.seeded_demo") if demo else "")
    ctx.say_users(users)


@main.group()
def users() -> None:
    """Manage users."""


@users.command("add")
@click.option("--phone", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--region", "region_code", default=None, help="Home region code.")
@click.option("--name", default="")
@click.option("--flags", default="", help="Comma-separated: elderly,disabled,lives_alone")
def users_add(phone: str, role: Role, region_code: str | None, name: str, flags: str) -> None:
    """Create a user."""
    ctx = _load()
    flag_list = [flag.strip() for flag in flags.split(",") if flag.strip()]
    for flag in flag_list:
        if flag not in FLAGS:
            raise click.ClickException(ctx.texts.t("zh-Hans", "cli.bad_flag", flag=flag))
    # Each flag was checked against FLAGS above (and the role by click.Choice).
    data = UserCreate(phone=phone, role=role, region=region_code, name=name, flags=cast("list[Flag]", flag_list))

    async def work():
        return await accounts.create_user(data, FieldCipher(ctx.settings.secret_key))

    try:
        user = _with_database(ctx, work)
    except AppError as exc:
        raise click.ClickException(ctx.texts.t("zh-Hans", f"error.{exc.key}", **exc.params)) from None
    ctx.say("cli.user_created", phone=user.phone, role=ctx.texts.t("zh-Hans", f"role.{user.role}"))


@main.command()
@click.argument("phone")
def token(phone: str) -> None:
    """Print an access token for the user with PHONE, alone on stdout.

    It names a new session, as long as a sign-in that asked to stay signed in, listed
    among the user's devices as the command line.
    """
    ctx = _load()
    normalized = normalize_phone(phone) or phone

    async def work() -> str | None:
        found = await accounts.find_by_phone(normalized)
        if found is None or not found.active:
            return None
        idle, lifetime = accounts.session_lifetimes(ctx.settings, found.role, True)
        return await accounts.start_session(
            found.id,
            ctx.settings.secret_key,
            idle=idle,
            lifetime=lifetime,
            remembered=True,
            device="cli/other",
            now=Clock().now(),
        )

    issued = _with_database(ctx, work)
    if issued is None:
        raise click.ClickException(ctx.texts.t("zh-Hans", "cli.user_not_found", phone=phone))
    sys.stdout.write(issued + "\n")


@main.group("catalog")
def catalog_group() -> None:
    """Import and export the service catalog."""


async def _system_actor() -> CurrentUser:
    """The command line acts as the county admin: it has database access anyway."""
    counties = await regions.list_children(None, "zh-Hans")
    return CurrentUser(id=0, role="admin", locale="zh-Hans", region_code=counties[0].code if counties else None)


@catalog_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only report what would change.")
def catalog_import(path: Path, dry_run: bool) -> None:
    """Import a catalog spreadsheet (XLSX or CSV); prints the per-row report."""
    ctx = _load()
    try:
        rows = catalog_service.read_rows(path.read_bytes(), path.name)
    except catalog_service.SheetError as exc:
        raise click.ClickException(ctx.texts.t("zh-Hans", f"error.{exc.key}", **exc.params)) from None

    async def work():
        return await catalog_service.import_rows(await _system_actor(), rows, dry_run, ctx.texts, Clock().now())

    report = _with_database(ctx, work)
    for row in report.rows:
        if row.status == "rejected":
            click.echo(ctx.texts.t("zh-Hans", "cli.import_rejected", line=row.line, message=row.message), err=True)
    ctx.say(
        "cli.import_done" if report.applied or dry_run else "cli.import_nothing",
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=report.rejected,
    )
    if report.rejected:
        sys.exit(3)


@catalog_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def catalog_export(path: Path) -> None:
    """Write the whole catalog, both scripts, to PATH (.xlsx or .csv)."""
    ctx = _load()

    async def work():
        return await catalog_service.records(await _system_actor())

    records = _with_database(ctx, work)
    content = (
        catalog_service.write_csv(records) if path.suffix.lower() == ".csv" else catalog_service.write_xlsx(records)
    )
    path.write_bytes(content)
    ctx.say("cli.export_done", count=len(records), path=path)
