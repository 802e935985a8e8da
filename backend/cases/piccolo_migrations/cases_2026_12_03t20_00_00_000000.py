from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-12-03T20:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "The case clock: pauses, extensions with consent, urgent cases, the no-news warning"

# SQL that both SQLite and PostgreSQL accept (TIMESTAMPTZ is a PostgreSQL alias and
# the type name Piccolo's SQLite engine converts). Existing cases keep their deadlines:
# none is urgent, none extended, none paused; their no-news instant is set by their
# next event that tells the resident.
COLUMNS = [
    'ALTER TABLE "app_case" ADD COLUMN "urgent" BOOLEAN NOT NULL DEFAULT false',
    'ALTER TABLE "app_case" ADD COLUMN "time_limit_hours" INTEGER NULL DEFAULT NULL',
    'ALTER TABLE "app_case" ADD COLUMN "extended_days" INTEGER NOT NULL DEFAULT 0',
    'ALTER TABLE "app_case" ADD COLUMN "silent_at" TIMESTAMPTZ NULL DEFAULT NULL',
    'ALTER TABLE "app_case" ADD COLUMN "silent_warned_at" TIMESTAMPTZ NULL DEFAULT NULL',
]
PAUSE = (
    '"case_id" INTEGER NOT NULL REFERENCES "app_case" ("id"), "started_at" TIMESTAMPTZ NOT NULL, '
    '"ended_at" TIMESTAMPTZ NULL DEFAULT NULL, "working_days" INTEGER NULL DEFAULT NULL, '
    '"hours" INTEGER NULL DEFAULT NULL, "started_by" INTEGER NULL REFERENCES "app_user" ("id"), '
    '"ended_by" INTEGER NULL REFERENCES "app_user" ("id")'
)
EXTENSION = (
    '"case_id" INTEGER NOT NULL REFERENCES "app_case" ("id"), "days" INTEGER NOT NULL, '
    '"reason" TEXT NOT NULL DEFAULT \'\', "status" VARCHAR(10) NOT NULL DEFAULT \'pending\', '
    '"requested_by" INTEGER NOT NULL REFERENCES "app_user" ("id"), "requested_at" TIMESTAMPTZ NOT NULL, '
    '"answered_at" TIMESTAMPTZ NULL DEFAULT NULL, "consent" VARCHAR(8) NULL DEFAULT NULL, '
    '"agreed_by_name" VARCHAR(50) NULL DEFAULT NULL, "answered_by" INTEGER NULL REFERENCES "app_user" ("id"), '
    '"recorded_by" INTEGER NULL REFERENCES "app_user" ("id")'
)
INDEXES = [
    'CREATE INDEX "case_pause_case_id" ON "case_pause" ("case_id")',
    # At most one running pause and one pending extension per case, whatever races.
    'CREATE UNIQUE INDEX "case_pause_open" ON "case_pause" ("case_id") WHERE "ended_at" IS NULL',
    'CREATE INDEX "case_extension_case_id" ON "case_extension" ("case_id")',
    'CREATE UNIQUE INDEX "case_extension_pending" ON "case_extension" ("case_id") WHERE "status" = \'pending\'',
    'CREATE INDEX "app_case_silent_at" ON "app_case" ("silent_at")',
    # Urgent cases not yet done lead every list: found without walking the others.
    "CREATE INDEX \"app_case_urgent_open\" ON \"app_case\" (\"id\") WHERE urgent = true "
    "AND status IN ('submitted', 'accepted', 'assigned', 'in_progress', 'waiting_info')",
]


async def clock() -> None:
    engine = engine_finder()
    key = '"id" INTEGER PRIMARY KEY NOT NULL' if isinstance(engine, SQLiteEngine) else '"id" SERIAL PRIMARY KEY'
    for statement in (
        *COLUMNS,
        f'CREATE TABLE "case_pause" ({key}, {PAUSE})',
        f'CREATE TABLE "case_extension" ({key}, {EXTENSION})',
        *INDEXES,
    ):
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cases", description=DESCRIPTION)
    manager.add_raw(clock)
    return manager
