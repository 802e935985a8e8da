import os

from piccolo.conf.apps import AppConfig

from backend.idempotency.tables import IdempotentRequest

APP_CONFIG = AppConfig(
    app_name="idempotency",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[IdempotentRequest],
)
