import os

from piccolo.conf.apps import AppConfig

from backend.catalog.tables import Service

APP_CONFIG = AppConfig(
    app_name="catalog",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Service],
    migration_dependencies=["backend.regions.piccolo_app"],
)
