from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-12-03T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Holiday overrides belong to a county: one row per county and day"

# SQLite cannot drop the old UNIQUE on "day" in place, so the table is rebuilt (the same
# SQL on PostgreSQL, but for the key). Overrides were the whole installation's until now:
# each is copied to every county there is, so no county's deadlines move.
COLUMNS = (
    '"county" VARCHAR(6) NOT NULL DEFAULT \'\', "day" DATE NOT NULL DEFAULT CURRENT_DATE, '
    '"is_workday" BOOLEAN NOT NULL DEFAULT false, "note" VARCHAR(100) NOT NULL DEFAULT \'\''
)


async def per_county() -> None:
    engine = engine_finder()
    key = '"id" INTEGER PRIMARY KEY NOT NULL' if isinstance(engine, SQLiteEngine) else '"id" SERIAL PRIMARY KEY'
    for statement in (
        f'CREATE TABLE "holiday_by_county" ({key}, {COLUMNS})',
        'INSERT INTO "holiday_by_county" ("county", "day", "is_workday", "note") '
        'SELECT r."code", h."day", h."is_workday", h."note" FROM "holiday" h '
        "CROSS JOIN \"region\" r WHERE r.\"level\" = 'county'",
        'DROP TABLE "holiday"',
        'ALTER TABLE "holiday_by_county" RENAME TO "holiday"',
        'CREATE UNIQUE INDEX "holiday_county_day" ON "holiday" ("county", "day")',
        'CREATE INDEX "holiday_day" ON "holiday" ("day")',
    ):
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cases", description=DESCRIPTION)
    manager.add_raw(per_county)
    return manager
