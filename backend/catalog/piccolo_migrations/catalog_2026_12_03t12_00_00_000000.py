from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Every catalog entry belongs to a county"

# Written as SQL both databases accept (Piccolo runs raw steps before its own, so the
# column is added here too). A township's entry belongs to the township's county; a
# county-wide entry, which had none, to the county the installation started with (the
# lowest code: the seed's). An installation without regions yet has no entries either.
STATEMENTS = (
    "ALTER TABLE service ADD COLUMN county VARCHAR(6) NOT NULL DEFAULT ''",
    "UPDATE service SET county = (SELECT substr(region.code, 1, 6) FROM region WHERE region.id = service.township) "
    "WHERE township IS NOT NULL",
    "UPDATE service SET county = COALESCE((SELECT MIN(code) FROM region WHERE level = 'county'), '') "
    "WHERE township IS NULL",
    "CREATE INDEX service_county ON service (county)",
)


async def add_county() -> None:
    engine = engine_finder()
    for statement in STATEMENTS:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="catalog", description=DESCRIPTION)
    manager.add_raw(add_county)
    return manager
