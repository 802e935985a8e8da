import os

from piccolo.conf.apps import AppConfig

from backend.ratings.tables import FollowUp, FollowUpStep, Rating

APP_CONFIG = AppConfig(
    app_name="ratings",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Rating, FollowUp, FollowUpStep],
    migration_dependencies=["backend.cases.piccolo_app", "backend.accounts.piccolo_app"],
)
