from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.lib.pages import Page, page_name
from backend.lib.structs import Input

Tag = Literal[
    "efficient",
    "friendly",
    "result_good",
    "convenient",
    "slow",
    "attitude",
    "result_bad",
    "too_many_materials",
    "multiple_trips",
    "not_resolved",
]
#: Reason tags a resident may pick, by score: praise for 4–5, complaints for 1–3.
GOOD_TAGS: tuple[str, ...] = ("efficient", "friendly", "result_good", "convenient")
BAD_TAGS: tuple[str, ...] = ("slow", "attitude", "result_bad", "too_many_materials", "multiple_trips", "not_resolved")
Outcome = Literal["verified", "rectified", "explained", "not_responsible"]
Step = Literal["callback", "fix"]


class RatingCreate(Input, forbid_unknown_fields=True, kw_only=True):
    score: Annotated[int, msgspec.Meta(ge=1, le=5)]
    tags: Annotated[list[Tag], msgspec.Meta(max_length=6)] = []
    comment: Annotated[str, msgspec.Meta(max_length=1000)] = ""


class FollowUpView(msgspec.Struct, kw_only=True):
    id: int
    case_id: int
    receipt_no: str
    rating_id: int
    score: int
    opened_at: datetime
    callback_due: datetime
    fix_due: datetime
    callback_at: datetime | None
    fixed_at: datetime | None
    overdue: bool
    steps: list["StepView"]


class StepView(msgspec.Struct):
    step: Step
    outcome: Outcome
    outcome_label: str
    note: str
    at: datetime
    actor_name: str


class RatingView(msgspec.Struct, kw_only=True):
    id: int
    case_id: int
    kind: Literal["first", "again"]
    score: int
    level_label: str
    tags: list[str]
    tag_labels: list[str]
    comment: str
    created_at: datetime
    #: Shown to staff; a resident sees their own rating as they gave it.
    flag_status: str


class CaseRatings(msgspec.Struct):
    ratings: list[RatingView]
    follow_up: FollowUpView | None
    #: The resident may rate now (first rating, or 追评 after the fix).
    can_rate: bool


FollowUpPage = Annotated[Page[FollowUpView], page_name("FollowUpPage")]


class StepCreate(Input, forbid_unknown_fields=True):
    step: Step
    outcome: Outcome
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class FlagCreate(Input, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class Decision(Input, forbid_unknown_fields=True):
    uphold: bool
    note: Annotated[str, msgspec.Meta(max_length=1000)] = ""


FlagState = Literal["flagged", "upheld", "rejected"]


class FlagView(msgspec.Struct, kw_only=True):
    """A rating staff flagged as malicious, with what an admin needs to decide on it."""

    rating_id: int
    case_id: int
    receipt_no: str
    case_title: str
    region_code: str
    score: int
    level_label: str
    tag_labels: list[str]
    comment: str
    rated_at: datetime
    #: flagged (waiting for an admin) | upheld (malicious, out of the statistics) | rejected
    flag_status: FlagState
    flag_reason: str
    flagged_by_name: str
    flagged_at: datetime
    decided_by_name: str | None = None
    decided_at: datetime | None = None
    decision_note: str = ""


FlagPage = Annotated[Page[FlagView], page_name("FlagPage")]


class TagLabel(msgspec.Struct):
    tag: str
    label: str


class RatingTags(msgspec.Struct, kw_only=True):
    """The reason tags a rating may carry, with their labels in the reader's script."""

    #: Praise: for scores in ``good_scores``.
    good: list[TagLabel]
    #: Complaints: for scores in ``bad_scores``.
    bad: list[TagLabel]
    good_scores: list[int]
    bad_scores: list[int]
