from datetime import datetime
from typing import Annotated, Literal

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from backend.cases.service import Context as CaseContext
from backend.idempotency.service import body_hash, respond_once
from backend.lib.auth import UserRequest, require_roles, require_user
from backend.lib.errors import request_locale
from backend.lib.i18n import Texts
from backend.lib.structs import MAX_ID, PathId
from backend.ratings import service
from backend.ratings.service import Policy
from backend.ratings.structs import (
    BAD_TAGS,
    GOOD_TAGS,
    CaseRatings,
    Decision,
    FlagCreate,
    FlagPage,
    FollowUpPage,
    FollowUpView,
    RatingCreate,
    RatingTags,
    RatingView,
    StepCreate,
    TagLabel,
)

staff = [require_roles("staff", "admin")]


class CaseRatingController(Controller):
    path = "/cases/{case_id:int}/rating"
    tags = ["ratings"]
    guards = [require_user]

    @get(operation_id="GetCaseRatings")
    async def get_ratings(
        self,
        request: UserRequest,
        case_id: PathId,
        case_ctx: NamedDependency[CaseContext],
        now: NamedDependency[datetime],
    ) -> CaseRatings:
        return await service.for_case(request.user, case_id, now, case_ctx)

    @post(operation_id="RateCase", status_code=HTTP_201_CREATED)
    async def rate(
        self,
        request: UserRequest,
        case_id: PathId,
        data: JSONBody[RatingCreate],
        case_ctx: NamedDependency[CaseContext],
        now: NamedDependency[datetime],
        rating_policy: NamedDependency[Policy],
        idempotency_key: Annotated[str | None, HeaderParameter(name="Idempotency-Key", max_length=100)] = None,
    ) -> Response[RatingView]:
        actor = request.user
        return await respond_once(
            actor.id,
            f"rating:{case_id}",
            idempotency_key,
            body_hash(data),
            HTTP_201_CREATED,
            lambda: service.rate(actor, case_id, data, now, case_ctx, rating_policy),
            now=now,
        )


class FollowUpController(Controller):
    path = "/follow-ups"
    tags = ["ratings"]
    guards = staff

    @get(operation_id="ListFollowUps", summary="Bad-rating follow-ups in the caller's area")
    async def list_follow_ups(
        self,
        request: UserRequest,
        case_ctx: NamedDependency[CaseContext],
        now: NamedDependency[datetime],
        status: Annotated[Literal["open", "overdue", "all"], QueryParameter()] = "open",
        cursor: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
    ) -> FollowUpPage:
        return await service.follow_ups(request.user, status == "open", status == "overdue", cursor, now, case_ctx)

    @post("/{follow_up_id:int}/steps", operation_id="AddFollowUpStep", status_code=HTTP_200_OK)
    async def add_step(
        self,
        request: UserRequest,
        follow_up_id: PathId,
        data: JSONBody[StepCreate],
        case_ctx: NamedDependency[CaseContext],
        now: NamedDependency[datetime],
    ) -> FollowUpView:
        return await service.add_step(request.user, follow_up_id, data, now, case_ctx)


class RatingAppealController(Controller):
    path = "/ratings/{rating_id:int}"
    tags = ["ratings"]

    @post("/flag", operation_id="FlagRating", guards=staff, status_code=HTTP_200_OK)
    async def flag(
        self,
        request: UserRequest,
        rating_id: PathId,
        data: JSONBody[FlagCreate],
        case_ctx: NamedDependency[CaseContext],
        now: NamedDependency[datetime],
    ) -> RatingView:
        return await service.flag(request.user, rating_id, data, now, case_ctx)

    @post("/decision", operation_id="DecideRatingFlag", guards=[require_roles("admin")], status_code=HTTP_200_OK)
    async def decide(
        self,
        request: UserRequest,
        rating_id: PathId,
        data: JSONBody[Decision],
        case_ctx: NamedDependency[CaseContext],
        now: NamedDependency[datetime],
    ) -> RatingView:
        return await service.decide(request.user, rating_id, data, now, case_ctx)


class RatingTagController(Controller):
    path = "/ratings/tags"
    tags = ["ratings"]

    @get(operation_id="ListRatingTags", summary="The reason tags of a rating, by score, in the reader's script")
    async def list_tags(self, request: Request, texts: NamedDependency[Texts]) -> RatingTags:
        locale = request_locale(request)

        def labelled(tags: tuple[str, ...]) -> list[TagLabel]:
            return [TagLabel(tag=tag, label=texts.t(locale, f"rating.tag.{tag}")) for tag in tags]

        def scores(tags: tuple[str, ...]) -> list[int]:
            return [score for score in range(1, 6) if set(tags) <= set(service.tags_for_score(score))]

        return RatingTags(
            good=labelled(GOOD_TAGS), bad=labelled(BAD_TAGS), good_scores=scores(GOOD_TAGS), bad_scores=scores(BAD_TAGS)
        )


class RatingFlagController(Controller):
    path = "/ratings/flags"
    tags = ["ratings"]
    guards = staff

    @get(operation_id="ListRatingFlags", summary="Ratings flagged as malicious in the caller's area")
    async def list_flags(
        self,
        request: UserRequest,
        case_ctx: NamedDependency[CaseContext],
        status: Annotated[Literal["pending", "decided"], QueryParameter()] = "pending",
        cursor: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
    ) -> FlagPage:
        """Pending flags oldest first (the order an admin works through them), decided ones newest first."""
        return await service.flags(request.user, status == "pending", cursor, case_ctx)
