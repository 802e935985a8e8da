from datetime import date, datetime, timedelta
from typing import Annotated

from litestar import Controller, Response, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.bookings import _slots as slots
from backend.bookings import service
from backend.bookings.structs import (
    VISIT_STEPS,
    Booking,
    BookingCreate,
    BookingPage,
    Handover,
    HandoverCreate,
    HandoverPage,
    Kind,
    OverrideCreate,
    Pattern,
    Slot,
    SlotCreate,
    SlotPage,
    SlotUpdate,
    VisitNote,
)
from backend.cases.service import Context
from backend.cases.structs import Step, StepPage
from backend.idempotency.service import body_hash, respond_once
from backend.lib.auth import CurrentUser, UserRequest, require_roles, require_user
from backend.lib.structs import MAX_ID, PathId

User = UserRequest
IdempotencyKey = Annotated[str | None, HeaderParameter(name="Idempotency-Key", max_length=100)]
workers = [require_roles("grid_worker", "staff", "admin")]


class SlotController(Controller):
    path = "/slots"
    tags = ["bookings"]
    guards = [require_user]

    @get(operation_id="ListFreeSlots")
    async def free(
        self,
        request: User,
        case_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
        grid: Annotated[str | None, QueryParameter(pattern=r"^\d{9,15}$", max_length=15)] = None,
        kind: Annotated[Kind | None, QueryParameter()] = None,
        from_: Annotated[date | None, QueryParameter(name="from")] = None,
        to: Annotated[date | None, QueryParameter()] = None,
    ) -> SlotPage:
        today = now.astimezone(case_ctx.tz).date()
        return await slots.free_slots(request.user, grid, kind, from_ or today, to or today + timedelta(days=30))

    @post(operation_id="PublishSlot", guards=workers, status_code=HTTP_201_CREATED)
    async def publish(
        self,
        request: User,
        data: JSONBody[SlotCreate],
        case_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
    ) -> Slot:
        return await slots.publish(request.user, data, now.astimezone(case_ctx.tz).date())

    @patch("/{slot_id:int}", operation_id="ChangeSlot", guards=workers)
    async def change(
        self, request: User, slot_id: PathId, data: JSONBody[SlotUpdate], now: NamedDependency[datetime]
    ) -> Slot:
        return await slots.change(request.user, slot_id, data, now)

    @get("/mine", operation_id="ListMySlots", guards=[require_roles("grid_worker")])
    async def mine(
        self,
        request: User,
        case_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
        from_: Annotated[date | None, QueryParameter(name="from")] = None,
        to: Annotated[date | None, QueryParameter()] = None,
    ) -> SlotPage:
        """Every slot of mine (closed and full ones too), to see the week and close one for leave."""
        today = now.astimezone(case_ctx.tz).date()
        return await slots.my_slots(request.user, from_ or today, to or today + timedelta(days=slots.HORIZON_DAYS))

    @get("/pattern", operation_id="GetSlotPattern", guards=[require_roles("grid_worker")])
    async def get_pattern(self, request: User) -> Pattern:
        return await slots.pattern_of(request.user)

    @put("/pattern", operation_id="SetSlotPattern", guards=[require_roles("grid_worker")])
    async def set_pattern(
        self, request: User, data: JSONBody[Pattern], case_ctx: NamedDependency[Context], now: NamedDependency[datetime]
    ) -> Pattern:
        return await slots.set_pattern(request.user, data, now.astimezone(case_ctx.tz).date())


class BookingController(Controller):
    path = "/bookings"
    tags = ["bookings"]
    guards = [require_user]

    @post(operation_id="CreateBooking", guards=[require_roles("resident", "grid_worker")], status_code=HTTP_201_CREATED)
    async def book(
        self,
        request: User,
        data: JSONBody[BookingCreate],
        case_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[Booking]:
        actor = request.user
        return await respond_once(
            actor.id,
            "booking",
            idempotency_key,
            body_hash(data),
            HTTP_201_CREATED,
            lambda: service.book(actor, data, now, case_ctx),
            now=now,
        )

    @get(operation_id="ListBookings")
    async def list_bookings(
        self,
        request: User,
        case_ctx: NamedDependency[Context],
        status: Annotated[str | None, QueryParameter(max_length=12)] = None,
        from_: Annotated[date | None, QueryParameter(name="from")] = None,
        to: Annotated[date | None, QueryParameter()] = None,
        cursor: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
    ) -> BookingPage:
        return await service.list_bookings(request.user, status, from_, to, cursor, case_ctx)

    @get("/{booking_id:int}", operation_id="GetBooking")
    async def get_booking(self, request: User, booking_id: PathId, case_ctx: NamedDependency[Context]) -> Booking:
        return await service.get(request.user, booking_id, case_ctx)

    @post("/{booking_id:int}/cancel", operation_id="CancelBooking", status_code=HTTP_200_OK)
    async def cancel(
        self,
        request: User,
        booking_id: PathId,
        case_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
    ) -> Booking:
        return await service.cancel(request.user, booking_id, now, case_ctx)

    @post(
        "/{booking_id:int}/check-in",
        operation_id="CheckIn",
        guards=[require_roles("grid_worker")],
        status_code=HTTP_200_OK,
    )
    async def check_in(
        self,
        request: User,
        booking_id: PathId,
        data: JSONBody[VisitNote],
        case_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[Booking]:
        """Sent from the worker's offline outbox: a retry with its key gets the first answer."""
        return await _visit_once(request.user, booking_id, "check_in", data, case_ctx, now, idempotency_key)

    @post(
        "/{booking_id:int}/check-out",
        operation_id="CheckOut",
        guards=[require_roles("grid_worker")],
        status_code=HTTP_200_OK,
    )
    async def check_out(
        self,
        request: User,
        booking_id: PathId,
        data: JSONBody[VisitNote],
        case_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[Booking]:
        """Sent from the worker's offline outbox: a retry with its key gets the first answer."""
        return await _visit_once(request.user, booking_id, "check_out", data, case_ctx, now, idempotency_key)

    @post(
        "/eligibility-overrides",
        operation_id="GrantBookingException",
        guards=[require_roles("staff", "admin")],
        status_code=HTTP_204_NO_CONTENT,
    )
    async def grant(self, request: User, data: JSONBody[OverrideCreate], now: NamedDependency[datetime]) -> None:
        await service.grant_override(request.user, data, now)


async def _visit_once(
    actor: CurrentUser,
    booking_id: int,
    step: str,
    data: VisitNote,
    case_ctx: Context,
    now: datetime,
    idempotency_key: str | None,
) -> Response[Booking]:
    """Checks a visit in or out once per Idempotency-Key: a retry gets the first answer."""
    return await respond_once(
        actor.id,
        f"{step}:{booking_id}",
        idempotency_key,
        body_hash(data),
        HTTP_200_OK,
        lambda: service.visit(actor, booking_id, step, data, now, case_ctx),
        now=now,
    )


class VisitStepController(Controller):
    """Public, apart from BookingController and its sign-in guard: the same table for everyone."""

    path = "/bookings/steps"
    tags = ["bookings"]

    @get(operation_id="ListVisitSteps", summary="A booked visit's steps: check-in, then check-out")
    async def list_steps(self) -> StepPage:
        return StepPage(
            items=[
                Step(action=action, from_=[source], to=target, party="worker")
                for action, (source, target) in VISIT_STEPS.items()
            ]
        )


class HandoverController(Controller):
    path = "/cases/{case_id:int}/handovers"
    tags = ["bookings"]
    guards = [require_user]

    @get(operation_id="ListHandovers")
    async def list_handovers(self, request: User, case_id: PathId, case_ctx: NamedDependency[Context]) -> HandoverPage:
        return await service.handovers_of_case(request.user, case_id, case_ctx)

    @post(operation_id="RecordHandover", guards=[require_roles("grid_worker")], status_code=HTTP_201_CREATED)
    async def record(
        self,
        request: User,
        case_id: PathId,
        data: JSONBody[HandoverCreate],
        case_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[Handover]:
        actor = request.user
        return await respond_once(
            actor.id,
            f"handover:{case_id}",
            idempotency_key,
            body_hash(data),
            HTTP_201_CREATED,
            lambda: service.record_handover(actor, case_id, data, now, case_ctx),
            now=now,
        )

    @post("/{handover_id:int}/confirm", operation_id="ConfirmHandover", status_code=HTTP_200_OK)
    async def confirm(
        self,
        request: User,
        case_id: PathId,
        handover_id: PathId,
        case_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[Handover]:
        """The resident's phone confirms from its offline outbox: with an Idempotency-Key,
        a retry after a lost answer gets the first answer instead of 409 already-confirmed."""
        actor = request.user
        return await respond_once(
            actor.id,
            f"handover-confirm:{case_id}:{handover_id}",
            idempotency_key,
            "",
            HTTP_200_OK,
            lambda: service.confirm_handover(actor, case_id, handover_id, now, case_ctx),
            now=now,
        )


class UnconfirmedHandoverController(Controller):
    path = "/handovers"
    tags = ["bookings"]
    guards = [require_roles("staff", "admin")]

    @get("/unconfirmed", operation_id="ListUnconfirmedHandovers", summary="督办: handovers unconfirmed for 2+ days")
    async def unconfirmed(
        self, request: User, case_ctx: NamedDependency[Context], now: NamedDependency[datetime]
    ) -> HandoverPage:
        return await service.unconfirmed_handovers(request.user, now, case_ctx)
