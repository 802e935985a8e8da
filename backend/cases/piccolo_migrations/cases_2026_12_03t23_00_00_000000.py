from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T23:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "An extension's reason and the name of who agreed record the script they were typed in"

# Like the case's own text (2026-12-03T22): read back as typed in that script, converted
# only for a reader of the other. Rows written before keep NULL and are converted for every
# reader, as they were.
STATEMENTS = (
    'ALTER TABLE "case_extension" ADD COLUMN "script" VARCHAR(8) NULL DEFAULT NULL',
    'ALTER TABLE "case_extension" ADD COLUMN "name_script" VARCHAR(8) NULL DEFAULT NULL',
)


async def add_scripts() -> None:
    engine = engine_finder()
    for statement in STATEMENTS:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cases", description=DESCRIPTION)
    manager.add_raw(add_scripts)
    return manager
