from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T20:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "An entry may be urgent (加急): its cases' limit in hours"


async def urgent_hours() -> None:
    await engine_finder().run_ddl('ALTER TABLE "service" ADD COLUMN "urgent_hours" INTEGER NULL DEFAULT NULL')


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="catalog", description=DESCRIPTION)
    manager.add_raw(urgent_hours)
    return manager
