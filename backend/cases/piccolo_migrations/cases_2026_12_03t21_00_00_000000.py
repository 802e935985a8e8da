from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-12-03T21:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "A county's entered State Council notices (holiday_year), and the off-hours start day of a case"

# SQL both SQLite and PostgreSQL accept. Existing cases get no start day (null: as if filed
# within office hours), which is what their residents were told.


async def add() -> None:
    engine = engine_finder()
    key = '"id" INTEGER PRIMARY KEY NOT NULL' if isinstance(engine, SQLiteEngine) else '"id" SERIAL PRIMARY KEY'
    for statement in (
        f'CREATE TABLE "holiday_year" ({key}, "county" VARCHAR(6) NOT NULL DEFAULT \'\', '
        '"year" INTEGER NOT NULL DEFAULT 0, "entered_at" TIMESTAMPTZ NOT NULL, '
        '"entered_by" INTEGER NULL REFERENCES "app_user" ("id") ON DELETE SET NULL, '
        '"notice" TEXT NOT NULL DEFAULT \'\')',
        'CREATE UNIQUE INDEX "holiday_year_county_year" ON "holiday_year" ("county", "year")',
        'ALTER TABLE "app_case" ADD COLUMN "handling_starts_on" DATE NULL',
    ):
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cases", description=DESCRIPTION)
    manager.add_raw(add)
    return manager
