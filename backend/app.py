"""The application factory: ``create_app`` and the steps it is made of."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from zoneinfo import ZoneInfo

import msgspec
from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.datastructures import CacheControlHeader, State
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.middleware import DefineMiddleware
from litestar.middleware.compression import CompressionMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from backend import jobs
from backend.accounts import service as accounts
from backend.accounts.controller import (
    AuthController,
    FamilyLinkController,
    MeController,
    ResidentController,
    UserController,
)
from backend.bookings.controller import (
    BookingController,
    HandoverController,
    SlotController,
    UnconfirmedHandoverController,
    VisitStepController,
)
from backend.cases import service as case_service
from backend.cases.controller import CaseController, HolidayController
from backend.cases.service import Context as CaseContext
from backend.catalog.controller import ServiceController
from backend.lib.auth import BearerAuthMiddleware, VerifiedTokens, actor
from backend.lib.boundary import ApiRequest, BodyDeadlineMiddleware, check_url_and_headers
from backend.lib.clock import Clock
from backend.lib.concurrency import Slots
from backend.lib.crypto import FieldCipher
from backend.lib.db import close_engine, open_engine
from backend.lib.errors import EXCEPTION_HANDLERS
from backend.lib.health import healthz
from backend.lib.i18n import Texts
from backend.lib.logs import redact_access_log
from backend.lib.openapi import SchemaFileOnly, StrictStructSchemaPlugin, document_errors
from backend.lib.schema_bounds import UploadSizeSchemaPlugin, show_parameter_bounds
from backend.lib.security import security_headers
from backend.lib.sms import SmsSender, make_sender
from backend.media import service as media_service
from backend.media.controller import MediaController
from backend.notices.controller import NoticeController
from backend.notifications import service as notifications
from backend.notifications.controller import NotificationController, PushController
from backend.ratings.controller import (
    CaseRatingController,
    FollowUpController,
    RatingAppealController,
    RatingFlagController,
    RatingTagController,
)
from backend.ratings.service import Policy as RatingPolicy
from backend.regions.controller import RegionController
from backend.settings import Settings, resolve_secret
from backend.stats.controller import StatsController

log = logging.getLogger("bianmin")


def create_app(settings: Settings | None = None, sms: SmsSender | None = None, clock: Clock | None = None) -> Litestar:
    """Build the app from ``settings`` (read from the environment when omitted).

    ``sms`` replaces the sender chosen by the settings (tests pass a recording one);
    ``clock`` the real clock (tests pass one they can move).

    The database is opened in the app's lifespan and closed with it; a database
    that cannot be reached stops startup with the reason.
    """
    settings = resolve_secret(settings if settings is not None else Settings.from_env())
    services = _services(settings, sms, clock)
    app = Litestar(
        route_handlers=_route_handlers(settings, services.texts),
        lifespan=[_lifespan(services)],
        # Hostile input stops here (backend/lib/boundary.py); photo uploads set their own size limit.
        request_class=ApiRequest,
        before_request=check_url_and_headers,
        request_max_body_size=settings.max_body_bytes,
        middleware=_middleware(services),
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[security_headers(settings.trust_forwarded_for)],
        dependencies=_dependencies(services),
        state=State({"i18n": services.texts, "settings": settings}),
        openapi_config=_openapi(),
        logging_config=_logging(),
        plugins=[StrictStructSchemaPlugin(), UploadSizeSchemaPlugin(settings.max_body_bytes)],
    )
    document_errors(app)
    show_parameter_bounds(app)
    return app


class _Services(msgspec.Struct, frozen=True):
    """What requests and the background jobs share; each field is a dependency of that name."""

    settings: Settings
    texts: Texts
    clock: Clock
    tz: ZoneInfo
    sms: SmsSender
    cipher: FieldCipher
    vapid: notifications.Vapid
    rating_policy: RatingPolicy
    media_ctx: media_service.Context
    case_ctx: CaseContext
    #: The statistics exports running now (at most so many per person and per process).
    export_slots: Slots


def _services(settings: Settings, sms: SmsSender | None, clock: Clock | None) -> _Services:
    texts = Texts.load(settings.locales_dir)
    tz = ZoneInfo(settings.timezone)
    # Media sits below cases: whether someone may see a case's photo is asked of cases, from here.
    media_ctx = media_service.context(settings, load_user=accounts.load_current_user, case_visible=case_service.can_see)
    return _Services(
        settings=settings,
        texts=texts,
        clock=clock or Clock(),
        tz=tz,
        sms=sms or make_sender(settings.sms_backend, settings.sms_webhook_url),
        cipher=FieldCipher(settings.secret_key),
        vapid=notifications.load_vapid(settings.data_dir, settings.vapid_subject),
        rating_policy=RatingPolicy(
            callback_days=settings.follow_up_callback_days, fix_days=settings.follow_up_fix_days
        ),
        media_ctx=media_ctx,
        case_ctx=CaseContext(
            texts=texts,
            tz=tz,
            default_time_limit_days=settings.default_time_limit_days,
            photo_links=media_ctx.links,
            urgent_hours=settings.urgent_hours,
            max_extensions=settings.max_extensions,
            silent_days=settings.silent_days,
        ),
        export_slots=Slots(per_key=settings.stats_exports_per_user, total=settings.stats_exports_per_process),
    )


def _dependencies(services: _Services) -> dict[str, Provide]:
    """Every shared object by its name, and per request ``now`` (from the clock) and ``actor``."""
    return {
        **{name: _always(getattr(services, name)) for name in services.__struct_fields__},
        # Not cached: each request asks the clock for its own instant.
        "now": Provide(services.clock.now, sync_to_thread=False),
        "actor": Provide(actor, sync_to_thread=False),
    }


def _always(value: object) -> Provide:
    def provide() -> object:
        return value

    return Provide(provide, use_cache=True, sync_to_thread=False)


def _route_handlers(settings: Settings, texts: Texts) -> list[ControllerRouterHandler]:
    """The API under /api/v1, the health check, and the PWA at / once it is built."""
    api = Router(
        "/api/v1",
        route_handlers=[
            AuthController,
            MeController,
            UserController,
            ResidentController,
            RegionController,
            ServiceController,
            NoticeController,
            CaseController,
            HolidayController,
            CaseRatingController,
            FollowUpController,
            RatingAppealController,
            RatingFlagController,
            RatingTagController,
            StatsController,
            FamilyLinkController,
            SlotController,
            BookingController,
            VisitStepController,
            HandoverController,
            UnconfirmedHandoverController,
            NotificationController,
            PushController,
            MediaController,
        ],
    )
    if not (settings.pwa_dir / "index.html").is_file():
        log.warning(texts.t("zh-Hans", "cli.pwa_missing", path=settings.pwa_dir))
        return [api, healthz]
    pwa = create_static_files_router(
        path="/",
        directories=[settings.pwa_dir],
        html_mode=True,
        name="pwa",
        # Revalidate every time: a stale service worker or shell is worse than a 304.
        cache_control=CacheControlHeader(no_cache=True),
        # Village data plans: the shell, bundle and locale texts go gzipped (about a
        # third of their size). Only here: API answers are small.
        middleware=[
            DefineMiddleware(
                CompressionMiddleware,
                config=CompressionConfig(backend="gzip", minimum_size=1024, gzip_compress_level=9),
            )
        ],
    )
    return [api, healthz, pwa]


def _middleware(services: _Services) -> list[DefineMiddleware]:
    """A body must arrive in time; a bearer token, when sent, must name a live session (401 otherwise)."""
    settings = services.settings
    return [
        DefineMiddleware(BodyDeadlineMiddleware, seconds=settings.body_timeout_seconds),
        DefineMiddleware(
            BearerAuthMiddleware,
            tokens=VerifiedTokens(settings.secret_key, clock=services.clock),
            load_session=accounts.load_session,
        ),
    ]


def _lifespan(services: _Services) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """The database is open while the app runs; a one-process server runs the background jobs meanwhile."""
    settings = services.settings
    background = jobs.background(settings, services.texts, services.vapid, services.media_ctx.storage, services.sms)
    in_process = jobs.in_process(background, settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        app.state.engine = await open_engine(settings.effective_database_url, settings.pg_pool_max)
        try:
            async with jobs.running(in_process, services.clock.now):
                yield
        finally:
            await close_engine(app.state.engine)
            await services.sms.aclose()

    return lifespan


def _openapi() -> OpenAPIConfig:
    """The schema as ``/schema/openapi.json`` and nothing else.

    Litestar's viewer pages (Scalar, Swagger UI, ReDoc, Elements, RapiDoc) load unpinned
    scripts from a CDN into the origin that holds the user's token, and need inline
    scripts the CSP refuses; read the schema with a viewer of your own instead.
    """
    return OpenAPIConfig(
        title="Bianmin 便民 API",
        version="1",
        path="/schema",
        render_plugins=[SchemaFileOnly()],
        components=Components(
            security_schemes={
                "BearerToken": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    bearer_format="JWT",
                    description=(
                        "The access_token of POST /auth/login: a JWT signed with HS256, checked as RFC8725 "
                        "advises: only HS256 is accepted (never `none` or the token's own choice), and "
                        "`sub` and `exp` are required."
                    ),
                )
            }
        ),
        security=[{"BearerToken": []}],
    )


def _logging() -> LoggingConfig:
    redact_access_log()  # no phone or photo link in the request lines of the log
    return LoggingConfig(
        root={"level": "INFO", "handlers": ["queue_listener"]},
        loggers={
            "bianmin": {"level": "INFO", "propagate": True},
            # httpx logs every request URL at INFO; an SMS gateway's URL may carry its key.
            "httpx": {"level": "WARNING", "propagate": True},
        },
        log_exceptions="debug",
    )
