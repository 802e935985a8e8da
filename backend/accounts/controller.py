from litestar import Controller, Request, get, patch, post
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED

from backend.accounts import service, signin
from backend.accounts.structs import LoginRequest, LoginResult, MeUpdate, OtpRequest, OtpSent, User
from backend.lib.auth import CurrentUser, client_ip, require_user
from backend.lib.errors import request_locale
from backend.lib.i18n import Catalog
from backend.lib.sms import SmsSender
from backend.settings import Settings


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/otp", operation_id="SendLoginCode", status_code=HTTP_202_ACCEPTED)
    async def send_code(
        self, request: Request, data: OtpRequest, settings: Settings, sms: SmsSender, catalog: Catalog
    ) -> OtpSent:
        ip = client_ip(request, settings.trust_forwarded_for)
        return await signin.send_code(data.phone, ip, request_locale(request), settings, sms, catalog)

    @post("/login", operation_id="Login", status_code=HTTP_200_OK)
    async def login(self, request: Request, data: LoginRequest, settings: Settings) -> LoginResult:
        ip = client_ip(request, settings.trust_forwarded_for)
        return await signin.login(data.phone, data.code, ip, request_locale(request), settings)


class MeController(Controller):
    path = "/me"
    tags = ["accounts"]
    guards = [require_user]

    @get(operation_id="GetMe")
    async def get_me(self, request: Request[CurrentUser, str, object]) -> User:
        return await service.get_user(request.user.id, request.user.locale)

    @patch(operation_id="UpdateMe")
    async def update_me(self, request: Request[CurrentUser, str, object], data: MeUpdate) -> User:
        return await service.update_me(request.user, data)
