from datetime import datetime
from typing import Annotated, cast, get_args

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from backend.accounts import _admin as admin
from backend.accounts import _assignees as assignees
from backend.accounts import _family as family
from backend.accounts import _residents as residents
from backend.accounts import _sessions as sessions
from backend.accounts import _signin as signin
from backend.accounts import service as service
from backend.accounts.structs import (
    AssigneePage,
    Link,
    LinkConfirm,
    LinkCreate,
    LinkPage,
    LoginRequest,
    LoginResult,
    MeUpdate,
    OtpRequest,
    OtpSent,
    ResidentPage,
    RoleLevels,
    RolePage,
    SessionList,
    SessionsEnded,
    User,
    UserCreate,
    UserPage,
    UserUpdate,
)
from backend.lib.auth import Role, UserRequest, client_ip, require_roles, require_user
from backend.lib.crypto import FieldCipher
from backend.lib.errors import request_locale
from backend.lib.i18n import Texts
from backend.lib.sms import SmsSender
from backend.lib.structs import MAX_ID, PathId
from backend.regions.structs import Level
from backend.settings import Settings


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/otp", operation_id="SendLoginCode", status_code=HTTP_202_ACCEPTED)
    async def send_code(
        self,
        request: Request,
        data: JSONBody[OtpRequest],
        settings: NamedDependency[Settings],
        sms: NamedDependency[SmsSender],
        texts: NamedDependency[Texts],
        now: NamedDependency[datetime],
    ) -> OtpSent:
        ip = client_ip(request, settings.trust_forwarded_for)
        return await signin.send_code(
            data.phone, ip, request_locale(request), settings, sms, texts, now, data.device_key
        )

    @post("/login", operation_id="Login", status_code=HTTP_200_OK)
    async def login(
        self,
        request: Request,
        data: JSONBody[LoginRequest],
        settings: NamedDependency[Settings],
        now: NamedDependency[datetime],
    ) -> LoginResult:
        ip = client_ip(request, settings.trust_forwarded_for)
        return await signin.login(
            data.phone,
            data.code,
            ip,
            request_locale(request),
            settings,
            now,
            data.device_key,
            remember=data.remember,
            user_agent=request.headers.get("user-agent", ""),
        )

    @post("/sign-out", operation_id="SignOut", status_code=HTTP_204_NO_CONTENT, guards=[require_user])
    async def sign_out(self, request: UserRequest, now: NamedDependency[datetime]) -> None:
        """End the session this request's token names: the token stops working everywhere at once."""
        await sessions.sign_out(request.user, now)


class MeController(Controller):
    path = "/me"
    tags = ["accounts"]
    guards = [require_user]

    @get(operation_id="GetMe")
    async def get_me(self, request: UserRequest) -> User:
        return await service.get_user(request.user.id, request.user.locale)

    @patch(operation_id="UpdateMe")
    async def update_me(self, request: UserRequest, data: JSONBody[MeUpdate]) -> User:
        return await service.update_me(request.user, data)

    @get("/sessions", operation_id="ListMySessions", summary="The devices signed in as me; this one is marked")
    async def list_sessions(self, request: UserRequest, now: NamedDependency[datetime]) -> SessionList:
        return await sessions.list_mine(request.user, now)

    @delete("/sessions/{session_id:int}", operation_id="EndMySession", status_code=HTTP_204_NO_CONTENT)
    async def end_session(self, request: UserRequest, session_id: PathId, now: NamedDependency[datetime]) -> None:
        """Sign one of my devices out (this one too). Already ended: fine. Not mine: 404."""
        await sessions.end_one(request.user, session_id, now)

    @delete("/sessions", operation_id="EndMyOtherSessions", status_code=HTTP_200_OK)
    async def end_other_sessions(
        self,
        request: UserRequest,
        now: NamedDependency[datetime],
        everywhere: Annotated[bool, QueryParameter()] = False,
    ) -> SessionsEnded:
        """Sign out every other device; with ``everywhere=true`` this one as well."""
        return SessionsEnded(ended=await sessions.end_others(request.user, now, everywhere=everywhere))


class UserController(Controller):
    path = "/users"
    tags = ["accounts"]
    guards = [require_roles("staff", "admin")]

    @get(operation_id="ListUsers")
    async def list_users(
        self,
        request: UserRequest,
        settings: NamedDependency[Settings],
        now: NamedDependency[datetime],
        cursor: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
        role: Annotated[Role | None, QueryParameter()] = None,
        q: Annotated[str | None, QueryParameter(max_length=50)] = None,
    ) -> UserPage:
        """``q``: a whole phone number, its last four digits, or part of the name (searches by digits are
        limited per user and audited)."""
        return await admin.list_users(request.user, cursor, role, q, settings, now)

    @get("/assignees", operation_id="ListAssignees", summary="Grid workers and staff a case may be dispatched to")
    async def list_assignees(
        self,
        request: UserRequest,
        region: Annotated[str | None, QueryParameter(pattern=r"^\d{6,15}$", max_length=15)] = None,
    ) -> AssigneePage:
        return await assignees.list_assignees(request.user, region)

    @get("/roles", operation_id="ListRoles", summary="Each role and the region levels its home region may be")
    async def list_roles(self) -> RolePage:
        return RolePage(items=[_role_levels(cast(Role, role), levels) for role, levels in service.HOME_LEVELS.items()])

    @post(operation_id="CreateUser")
    async def create_user(
        self,
        request: UserRequest,
        data: JSONBody[UserCreate],
        cipher: NamedDependency[FieldCipher],
        now: NamedDependency[datetime],
    ) -> User:
        return await admin.add_user(request.user, data, cipher, now)

    @patch("/{user_id:int}", operation_id="UpdateUser")
    async def update_user(
        self,
        request: UserRequest,
        user_id: PathId,
        data: JSONBody[UserUpdate],
        now: NamedDependency[datetime],
    ) -> User:
        return await admin.update_user(request.user, user_id, data, now)


def _role_levels(role: Role, levels: set[str]) -> RoleLevels:
    ordered = [level for level in get_args(Level) if level in levels]
    return RoleLevels(role=role, home_level=ordered[-1], home_levels=ordered)


class FamilyLinkController(Controller):
    path = "/family-links"
    tags = ["accounts"]
    guards = [require_roles("resident", "grid_worker")]

    @get(operation_id="ListFamilyLinks")
    async def list_links(self, request: UserRequest) -> LinkPage:
        return await family.list_links(request.user)

    @post(operation_id="RequestFamilyLink")
    async def request_link(
        self,
        request: UserRequest,
        data: JSONBody[LinkCreate],
        now: NamedDependency[datetime],
    ) -> Link:
        return await family.request(request.user, data, now)

    @post("/{link_id:int}/confirm", operation_id="ConfirmFamilyLink", status_code=HTTP_200_OK)
    async def confirm(
        self,
        request: UserRequest,
        link_id: PathId,
        data: JSONBody[LinkConfirm],
        now: NamedDependency[datetime],
    ) -> Link:
        return await family.confirm(request.user, link_id, data, now)

    @delete("/{link_id:int}", operation_id="RevokeFamilyLink", status_code=HTTP_204_NO_CONTENT)
    async def revoke(self, request: UserRequest, link_id: PathId, now: NamedDependency[datetime]) -> None:
        """Either party ends the link; anyone else gets 404."""
        await family.revoke(request.user, link_id, now)


class ResidentController(Controller):
    path = "/residents"
    tags = ["accounts"]
    guards = [require_roles("grid_worker", "staff", "admin")]

    @get(operation_id="FindResidents", summary="Residents of one's grids, by phone, last digits or name")
    async def find(
        self,
        request: UserRequest,
        settings: NamedDependency[Settings],
        now: NamedDependency[datetime],
        q: Annotated[str, QueryParameter(max_length=50)] = "",
        cursor: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=residents.MAX_PAGE)] = 50,
    ) -> ResidentPage:
        """Outside the caller's grids nobody matches: the list is empty. ``q``: a whole phone number, its
        last four digits, or part of the name (searches by digits are limited per user and audited)."""
        return await residents.find_residents(request.user, q, cursor, limit, settings, now)
