from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-12-06T09:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Photos: a key for every photo stored before keys"


async def fill_keys() -> None:
    """A key for every photo stored before this: 24 random hex digits, as the app makes them."""
    engine = engine_finder()
    if isinstance(engine, PostgresEngine):
        fresh = "substr(replace(gen_random_uuid()::text, '-', ''), 1, 24)"
    else:
        fresh = "lower(hex(randomblob(12)))"
    await engine.run_ddl(f"UPDATE media SET link_key = {fresh} WHERE link_key = ''")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="media", description=DESCRIPTION)
    manager.add_raw(fill_keys)
    return manager
