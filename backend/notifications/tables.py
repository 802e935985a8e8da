from piccolo.columns import JSON, ForeignKey, Integer, LazyTableReference, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class Notification(Table):
    """Written in the same transaction as the event that causes it.

    The inbox shows it at once; delivery (push, SMS) later claims it by
    ``next_attempt_at`` and records ``sent_at`` and the ``channel`` that worked.
    """

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    user = ForeignKey(LazyTableReference("User", module_path="backend.accounts.tables"), index=True)
    #: The case it is about; a plain id because notifications sit below cases.
    case_id = Integer(null=True, default=None, index=True)
    #: Locale key below ``notification.``, e.g. case.accepted, case.due_soon.
    kind = Varchar(length=64)
    #: Parameters for the text (receipt number, status…), rendered in the reader's script.
    payload = JSON(default="{}")
    created_at = Timestamptz()
    #: Due for delivery from this instant; a claim moves it forward by the lease,
    #: a failure by the backoff; NULL once delivered or given up.
    next_attempt_at = Timestamptz(null=True, default=None, index=True)
    attempts = Integer(default=0)
    sent_at = Timestamptz(null=True, default=None)
    #: push | sms | inbox (no device channel applied, or delivery gave up).
    channel = Varchar(length=16, null=True, default=None)
    read_at = Timestamptz(null=True, default=None)
    #: Why the last attempt failed, or why delivery gave up.
    last_error = Varchar(length=200, null=True, default=None)


class PushSubscription(Table):
    """A browser's Web Push subscription; one row per endpoint."""

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    user = ForeignKey(LazyTableReference("User", module_path="backend.accounts.tables"), index=True)
    #: The push service URL; re-subscribing the same endpoint replaces the row.
    endpoint = Text(unique=True)
    #: Base64url keys from the browser: a P-256 point and the 16-byte auth secret.
    p256dh = Varchar(length=100)
    auth = Varchar(length=32)
    #: The script this device shows texts in; NULL follows the user's saved locale.
    locale = Varchar(length=8, null=True, default=None)
    created_at = Timestamptz()
    last_success_at = Timestamptz(null=True, default=None)
    #: Failed sends since the last success; the subscription is dropped at a limit.
    failures = Integer(default=0)
