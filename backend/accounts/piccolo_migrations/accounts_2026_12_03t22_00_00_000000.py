from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T22:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Names and family labels record their script; a saved locale says whether it was chosen"

# Each text a person types records the script it was written in, so it reads back exactly
# as typed in that script and is converted only for a reader of the other. Rows written
# before keep NULL: their script is not known, and they are converted for every reader as
# they always were (see DESIGN, Locales).
# A saved zh-Hant was somebody's choice (the default was always zh-Hans); a saved zh-Hans
# may be only the default, so those users are asked their device's script at next sign-in.
STATEMENTS = (
    'ALTER TABLE "app_user" ADD COLUMN "name_script" VARCHAR(8) NULL DEFAULT NULL',
    'ALTER TABLE "family_link" ADD COLUMN "script" VARCHAR(8) NULL DEFAULT NULL',
    'ALTER TABLE "app_user" ADD COLUMN "locale_chosen" BOOLEAN NOT NULL DEFAULT false',
    'UPDATE "app_user" SET "locale_chosen" = true WHERE "locale" = \'zh-Hant\'',
)


async def add_scripts() -> None:
    engine = engine_finder()
    for statement in STATEMENTS:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)
    manager.add_raw(add_scripts)
    return manager
