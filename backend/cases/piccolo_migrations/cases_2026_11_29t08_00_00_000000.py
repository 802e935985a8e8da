from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T08:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Indexes for the case lists: by submitter, and the open cases by deadline (督办)"

# Written as SQL that both SQLite and PostgreSQL accept: Piccolo cannot express a
# partial index, and the lists' plans depend on these two (bench/README.md).
INDEXES = [
    "CREATE INDEX IF NOT EXISTS app_case_submitted_by ON app_case (submitted_by)",
    "CREATE INDEX IF NOT EXISTS app_case_open_deadline ON app_case (deadline) "
    "WHERE status IN ('accepted', 'assigned', 'in_progress', 'waiting_info')",
]


async def create_indexes() -> None:
    engine = engine_finder()
    for statement in INDEXES:
        await engine.run_ddl(statement)


async def drop_indexes() -> None:
    engine = engine_finder()
    for name in ("app_case_submitted_by", "app_case_open_deadline"):
        await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cases", description=DESCRIPTION)
    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
