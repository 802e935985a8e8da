import os

from piccolo.conf.apps import AppConfig

from backend.bookings.tables import Booking, EligibilityOverride, Handover, Slot, WeeklyPattern, WorkerProfile

APP_CONFIG = AppConfig(
    app_name="bookings",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Slot, WeeklyPattern, WorkerProfile, Booking, EligibilityOverride, Handover],
    migration_dependencies=["backend.cases.piccolo_app", "backend.accounts.piccolo_app"],
)
