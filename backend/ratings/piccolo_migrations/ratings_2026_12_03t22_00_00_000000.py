from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T22:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Typed text records its script: rating comments, flag reasons, decisions, follow-up notes"

# Each text a person types records the script it was written in, so it reads back exactly
# as typed in that script and is converted only for a reader of the other. Rows written
# before keep NULL: their script is not known, and they are converted for every reader as
# they always were (see DESIGN, Locales).
STATEMENTS = (
    'ALTER TABLE "rating" ADD COLUMN "script" VARCHAR(8) NULL DEFAULT NULL',
    'ALTER TABLE "rating" ADD COLUMN "flag_script" VARCHAR(8) NULL DEFAULT NULL',
    'ALTER TABLE "rating" ADD COLUMN "decision_script" VARCHAR(8) NULL DEFAULT NULL',
    'ALTER TABLE "follow_up_step" ADD COLUMN "script" VARCHAR(8) NULL DEFAULT NULL',
)


async def add_scripts() -> None:
    engine = engine_finder()
    for statement in STATEMENTS:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ratings", description=DESCRIPTION)
    manager.add_raw(add_scripts)
    return manager
