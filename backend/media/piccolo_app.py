import os

from piccolo.conf.apps import AppConfig

from backend.media.tables import Media

APP_CONFIG = AppConfig(
    app_name="media",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Media],
    migration_dependencies=["backend.accounts.piccolo_app"],
)
