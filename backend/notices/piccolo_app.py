import os

from piccolo.conf.apps import AppConfig

from backend.notices.tables import Notice

APP_CONFIG = AppConfig(
    app_name="notices",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Notice],
    migration_dependencies=["backend.regions.piccolo_app", "backend.accounts.piccolo_app"],
)
