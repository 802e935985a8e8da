from datetime import datetime
from typing import Annotated

from litestar import Controller, Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from backend.accounts import service as accounts
from backend.cases import service
from backend.cases.service import Context, Filters
from backend.cases.structs import (
    Case,
    CaseCreate,
    CaseLookup,
    CasePage,
    Extension,
    ExtensionAnswer,
    ExtensionCreate,
    HolidayYear,
    Kind,
    PhoneConsent,
    Signal,
    Status,
    StepPage,
    Transition,
)
from backend.idempotency.service import body_hash, respond_once
from backend.lib.auth import UserRequest, client_ip, require_roles, require_user
from backend.lib.errors import NotFound, request_locale
from backend.lib.structs import MAX_ID, PathId
from backend.settings import Settings

#: A list cursor: an id from 1 to 2**31 - 1 (``MAX_ID``), after a "u" while among the urgent cases.
CURSOR_PATTERN = (
    r"^u?([1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}"
    r"|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]|214748364[0-7])$"
)
IdempotencyKey = Annotated[str | None, HeaderParameter(name="Idempotency-Key", max_length=100)]


class CaseController(Controller):
    path = "/cases"
    tags = ["cases"]

    @post(
        operation_id="CreateCase",
        guards=[require_roles("resident", "grid_worker", "staff", "admin")],
        status_code=HTTP_201_CREATED,
    )
    async def create(
        self,
        request: UserRequest,
        data: JSONBody[CaseCreate],
        case_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[Case]:
        actor = request.user
        return await respond_once(
            actor.id,
            "case",
            idempotency_key,
            body_hash(data),
            HTTP_201_CREATED,
            lambda: service.create(actor, data, now, case_ctx),
            now=now,
        )

    @get(operation_id="ListCases", guards=[require_user])
    async def list_cases(
        self,
        request: UserRequest,
        case_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
        status: Annotated[Status | None, QueryParameter()] = None,
        kind: Annotated[Kind | None, QueryParameter()] = None,
        region: Annotated[str | None, QueryParameter(pattern=r"^\d{6,15}$", max_length=15)] = None,
        overdue: Annotated[bool | None, QueryParameter()] = None,
        due_soon: Annotated[bool | None, QueryParameter()] = None,
        signal: Annotated[Signal | None, QueryParameter()] = None,
        assignee: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
        # An id, or "u" and an id while the page before ended among the urgent open cases.
        cursor: Annotated[str | None, QueryParameter(pattern=CURSOR_PATTERN, max_length=11)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> CasePage:
        filters = Filters(
            status=status,
            kind=kind,
            region=region,
            overdue=overdue,
            due_soon=due_soon,
            signal=signal,
            assignee=assignee,
            cursor=cursor,
            limit=limit,
        )
        return await service.list_cases(request.user, filters, now, case_ctx)

    @get("/lookup", operation_id="LookupCase")
    async def lookup(
        self,
        request: Request,
        settings: NamedDependency[Settings],
        case_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
        receipt_no: Annotated[str, QueryParameter(max_length=24)],
        phone: Annotated[str, QueryParameter(max_length=24)],
    ) -> CaseLookup:
        # Counted before the search (a burst cannot search more than the limit), given back on a hit.
        ip = client_ip(request, settings.trust_forwarded_for)
        window = settings.otp_window_seconds
        attempt = await accounts.take_attempt(
            "lookup", ip=ip, limit=settings.lookup_limit, window_seconds=window, at=now
        )
        found = await service.lookup(receipt_no, phone, request_locale(request), case_ctx)
        if found is None:
            raise NotFound()
        await accounts.give_back_attempt(attempt)
        return found

    @get("/{case_id:int}", operation_id="GetCase", guards=[require_user])
    async def get_case(
        self,
        request: UserRequest,
        case_id: PathId,
        case_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
    ) -> Case:
        return await service.detail(request.user, case_id, now, case_ctx)

    @get("/steps", operation_id="ListCaseSteps", summary="The case moves: from which statuses, to which, by whom")
    async def list_steps(self) -> StepPage:
        """Public and the same for everyone: the field area keeps it to predict its queued moves offline."""
        return StepPage(items=service.steps())

    @post("/{case_id:int}/transitions", operation_id="MoveCase", guards=[require_user], status_code=HTTP_200_OK)
    async def move(
        self,
        request: UserRequest,
        case_id: PathId,
        data: JSONBody[Transition],
        case_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[Case]:
        """With an Idempotency-Key, a phone re-sending a move after a lost answer gets the
        first answer again instead of a 409 for the state it already reached."""
        actor = request.user
        return await respond_once(
            actor.id,
            f"move:{case_id}",
            idempotency_key,
            body_hash(data),
            HTTP_200_OK,
            lambda: service.apply(actor, case_id, data, now, case_ctx),
            now=now,
        )

    @post(
        "/{case_id:int}/extensions",
        operation_id="AskCaseExtension",
        guards=[require_user],
        status_code=HTTP_201_CREATED,
    )
    async def ask_extension(
        self,
        request: UserRequest,
        case_id: PathId,
        data: JSONBody[ExtensionCreate],
        case_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[Extension]:
        """延期: staff in scope or the assignee ask the resident for more working days."""
        actor = request.user
        return await respond_once(
            actor.id,
            f"extension:{case_id}",
            idempotency_key,
            body_hash(data),
            HTTP_201_CREATED,
            lambda: service.ask_extension(actor, case_id, data, now, case_ctx),
            now=now,
        )

    @post(
        "/{case_id:int}/extensions/{extension_id:int}/answer",
        operation_id="AnswerCaseExtension",
        guards=[require_user],
        status_code=HTTP_200_OK,
    )
    async def answer_extension(
        self,
        request: UserRequest,
        case_id: PathId,
        extension_id: PathId,
        data: JSONBody[ExtensionAnswer],
        case_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[Extension]:
        """The resident (or a relative acting for her) agrees or declines."""
        actor = request.user
        return await respond_once(
            actor.id,
            f"extension-answer:{extension_id}",
            idempotency_key,
            body_hash(data),
            HTTP_200_OK,
            lambda: service.answer_extension(actor, case_id, extension_id, data, now, case_ctx),
            now=now,
        )

    @post(
        "/{case_id:int}/extensions/{extension_id:int}/phone-consent",
        operation_id="RecordCaseExtensionConsent",
        guards=[require_roles("staff", "admin")],
        status_code=HTTP_200_OK,
    )
    async def record_consent(
        self,
        request: UserRequest,
        case_id: PathId,
        extension_id: PathId,
        data: JSONBody[PhoneConsent],
        case_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[Extension]:
        """Staff record that the resident agreed on the phone: who, and when."""
        actor = request.user
        return await respond_once(
            actor.id,
            f"extension-consent:{extension_id}",
            idempotency_key,
            body_hash(data),
            HTTP_200_OK,
            lambda: service.record_consent(actor, case_id, extension_id, data, now, case_ctx),
            now=now,
        )


class HolidayController(Controller):
    path = "/holidays"
    tags = ["cases"]
    guards = [require_roles("admin")]

    @get(operation_id="GetHolidays")
    async def get_year(
        self, request: UserRequest, year: Annotated[int, QueryParameter(ge=2000, le=2100)]
    ) -> HolidayYear:
        """The admin's own county's overrides."""
        return await service.year(service.county_of(request.user.region_code), year)

    @put(operation_id="ReplaceHolidays")
    async def replace_year(self, request: UserRequest, data: JSONBody[HolidayYear]) -> HolidayYear:
        """Replace the year's overrides of the admin's county; other counties keep theirs."""
        return await service.replace_year(service.county_of(request.user.region_code), data)
