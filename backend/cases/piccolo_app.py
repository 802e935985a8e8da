import os

from piccolo.conf.apps import AppConfig

from backend.cases.tables import Case, CaseEvent, CaseExtension, CasePause, Holiday, ReceiptCounter

APP_CONFIG = AppConfig(
    app_name="cases",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Case, CaseEvent, ReceiptCounter, Holiday, CasePause, CaseExtension],
    migration_dependencies=["backend.regions.piccolo_app", "backend.accounts.piccolo_app"],
)
