import os

from piccolo.conf.apps import AppConfig

from backend.accounts.tables import Audit, AuthAttempt, FamilyLink, KnownDevice, OtpCode, Session, User

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[User, OtpCode, AuthAttempt, Audit, FamilyLink, Session, KnownDevice],
    migration_dependencies=["backend.regions.piccolo_app"],
)
