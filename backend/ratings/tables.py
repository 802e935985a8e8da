from piccolo.columns import JSON, ForeignKey, Integer, LazyTableReference, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

_USER = LazyTableReference("User", module_path="backend.accounts.tables")
_CASE = LazyTableReference("Case", module_path="backend.cases.tables")


class Rating(Table):
    """A resident's rating of a case. Never edited: there is no way to change a score."""

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    case_id = ForeignKey(_CASE, index=True)
    rater = ForeignKey(_USER)
    #: first | again (追评, after a bad rating was followed up)
    kind = Varchar(length=8)
    #: "<case id>:<kind>", unique: one rating of each kind per case, even under retries.
    slot = Varchar(length=32, unique=True)
    #: 5 非常满意 … 1 非常不满意
    score = Integer()
    tags = JSON(default="[]")
    comment = Text(default="")
    #: The script the typed text was written in (zh-Hans | zh-Hant); None: written before it was recorded.
    script = Varchar(length=8, null=True, default=None)
    created_at = Timestamptz(index=True)
    #: none | flagged | upheld | rejected — upheld (malicious) ratings leave the statistics.
    flag_status = Varchar(length=10, default="none", index=True)
    flag_reason = Text(default="")
    flag_script = Varchar(length=8, null=True, default=None)
    flagged_by = ForeignKey(_USER, null=True, default=None)
    flagged_at = Timestamptz(null=True, default=None)
    decided_by = ForeignKey(_USER, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    decision_note = Text(default="")
    decision_script = Varchar(length=8, null=True, default=None)


class FollowUp(Table):
    """The callback and fix a bad rating (score ≤ 2) obliges the township to."""

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    rating = ForeignKey(LazyTableReference("Rating", module_path="backend.ratings.tables"), unique=True)
    case_id = ForeignKey(_CASE, index=True)
    region_code = Varchar(length=15, index=True)
    opened_at = Timestamptz()
    callback_due = Timestamptz()
    fix_due = Timestamptz()
    callback_at = Timestamptz(null=True, default=None)
    fixed_at = Timestamptz(null=True, default=None)


class FollowUpStep(Table):
    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    follow_up = ForeignKey(LazyTableReference("FollowUp", module_path="backend.ratings.tables"), index=True)
    #: callback | fix
    step = Varchar(length=8)
    #: verified | rectified | explained | not_responsible
    outcome = Varchar(length=16)
    note = Text(default="")
    #: The script the typed text was written in (zh-Hans | zh-Hant); None: written before it was recorded.
    script = Varchar(length=8, null=True, default=None)
    actor = ForeignKey(_USER)
    at = Timestamptz()
