from piccolo.columns import JSON, ForeignKey, Integer, LazyTableReference, Timestamptz, Varchar
from piccolo.table import Table


class Notification(Table):
    """Written in the same transaction as the event that causes it.

    The inbox shows it at once; delivery (push, SMS) later claims it by
    ``next_attempt_at`` and records ``sent_at`` and the ``channel`` that worked.
    """

    user = ForeignKey(LazyTableReference("User", module_path="backend.accounts.tables"), index=True)
    #: The case it is about; a plain id because notifications sit below cases.
    case_id = Integer(null=True, default=None, index=True)
    #: Locale key below ``notification.``, e.g. case.accepted, case.due_soon.
    kind = Varchar(length=64)
    #: Parameters for the text (receipt number, status…), rendered in the reader's script.
    payload = JSON(default="{}")
    created_at = Timestamptz()
    next_attempt_at = Timestamptz(null=True, default=None, index=True)
    attempts = Integer(default=0)
    sent_at = Timestamptz(null=True, default=None)
    channel = Varchar(length=16, null=True, default=None)
    read_at = Timestamptz(null=True, default=None)
