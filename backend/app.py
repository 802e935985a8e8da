"""The application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from functools import partial
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo

from litestar import Litestar, Router
from litestar.datastructures import CacheControlHeader, State
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.config.compression import CompressionConfig
from litestar.middleware import DefineMiddleware
from litestar.middleware.compression import CompressionMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router

from backend.accounts import service as accounts
from backend.accounts.controller import (
    AuthController,
    FamilyLinkController,
    MeController,
    ResidentController,
    UserController,
)
from backend.lib.auth import BearerAuthMiddleware, VerifiedTokens
from backend.lib.clock import Clock
from backend.lib.crypto import FieldCipher
from backend.lib.db import close_engine, open_engine
from backend.lib.boundary import ApiRequest, BodyDeadlineMiddleware, check_url_and_headers
from backend.lib.errors import EXCEPTION_HANDLERS
from backend.lib.openapi import StrictStructSchemaPlugin, document_errors
from backend.lib.security import security_headers
from backend.lib.health import healthz
from backend.lib.i18n import Texts
from backend.lib.logs import redact_access_log
from backend.lib.sms import SmsSender, make_sender
from backend.bookings import jobs as booking_jobs
from backend.bookings.controller import (
    BookingController,
    HandoverController,
    SlotController,
    UnconfirmedHandoverController,
    VisitStepController,
)
from backend.cases import jobs as case_jobs
from backend.cases.controller import CaseController, HolidayController
from backend.cases import service as case_service
from backend.cases.service import Context as CaseContext
from backend.catalog.controller import ServiceController
from backend.media import jobs as media_jobs
from backend.media import service as media_service
from backend.media.controller import MediaController
from backend.notices.controller import NoticeController
from backend.notifications import delivery
from backend.notifications.controller import NotificationController, PushController
from backend.notifications.vapid import load_vapid
from backend.ratings.controller import (
    CaseRatingController,
    FollowUpController,
    RatingAppealController,
    RatingFlagController,
    RatingTagController,
)
from backend.ratings.service import Policy as RatingPolicy
from backend.regions.controller import RegionController
from backend.stats.controller import StatsController
from backend.settings import Settings, resolve_secret

log = logging.getLogger("bianmin")

#: The PWA's files go gzipped to phones on village data plans (API answers are small).
PWA_COMPRESSION = CompressionConfig(backend="gzip", minimum_size=1024, gzip_compress_level=9)

API_HANDLERS = [
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
]


#: Seconds shutdown waits for a background task, or for connections to come back to the pool.
SHUTDOWN_SECONDS = 10.0


def create_app(settings: Settings | None = None, sms: SmsSender | None = None, clock: Clock | None = None) -> Litestar:
    """Build the app from ``settings`` (read from the environment when omitted).

    ``sms`` replaces the sender chosen by the settings (tests pass a recording one);
    ``clock`` the real clock (tests pass one they can move).

    The database is opened in the app's lifespan and closed with it; a database
    that cannot be reached stops startup with the reason.
    """
    settings = resolve_secret(settings if settings is not None else Settings.from_env())
    texts = Texts.load(settings.locales_dir)
    sms = sms or make_sender(settings.sms_backend, settings.sms_webhook_url)
    cipher = FieldCipher(settings.secret_key)
    clock = clock or Clock()
    redact_access_log()  # no phone or photo link in the request lines of the log
    vapid = load_vapid(settings.data_dir, settings.vapid_subject)
    rating_policy = RatingPolicy(callback_days=settings.follow_up_callback_days, fix_days=settings.follow_up_fix_days)
    # Media sits below cases: whether someone may see a case's photo is asked of cases, from here.
    media_ctx = media_service.context(settings, load_user=accounts.load_current_user, case_visible=case_service.can_see)
    case_ctx = CaseContext(
        texts=texts,
        tz=ZoneInfo(settings.timezone),
        default_time_limit_days=settings.default_time_limit_days,
        photo_links=media_ctx.links,
    )

    @asynccontextmanager
    async def database(app: Litestar) -> AsyncIterator[None]:
        app.state.engine = await open_engine(settings.effective_database_url, settings.pg_pool_max)
        timers = None
        if settings.timers_in_process:
            timers = asyncio.create_task(
                case_jobs.run_forever(
                    clock.now,
                    settings.timer_interval_seconds,
                    also=[media_jobs.stale_remover(media_ctx.storage), partial(booking_jobs.run, tz=case_ctx.tz)],
                )
            )
        deliveries = None
        if settings.delivery_in_process:
            deliveries = asyncio.create_task(delivery.run_forever(settings, texts, vapid, clock.now, sms))
        try:
            yield
        finally:
            # Bounded: a task stuck on the network or the database must not hang shutdown.
            for task in (timers, deliveries):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                        await asyncio.wait_for(task, SHUTDOWN_SECONDS)
            await close_engine(app.state.engine)
            await sms.aclose()

    handlers: list = [Router("/api/v1", route_handlers=API_HANDLERS), healthz]
    if (settings.pwa_dir / "index.html").is_file():
        handlers.append(
            create_static_files_router(
                path="/",
                directories=[settings.pwa_dir],
                html_mode=True,
                name="pwa",
                # Revalidate every time: a stale service worker or shell is worse than a 304.
                cache_control=CacheControlHeader(no_cache=True),
                # Village data plans: the shell, bundle and locale texts go gzipped
                # (about a third of their size). Only here: API answers are small.
                middleware=[DefineMiddleware(CompressionMiddleware, config=PWA_COMPRESSION)],
            )
        )
    else:
        log.warning(texts.t("zh-Hans", "cli.pwa_missing", path=settings.pwa_dir))

    app = Litestar(
        route_handlers=handlers,
        lifespan=[database],
        # Hostile input stops here (backend/lib/boundary.py); photo uploads set their own size limit.
        request_class=ApiRequest,
        before_request=check_url_and_headers,
        request_max_body_size=settings.max_body_bytes,
        middleware=[
            DefineMiddleware(BodyDeadlineMiddleware, seconds=settings.body_timeout_seconds),
            DefineMiddleware(
                BearerAuthMiddleware, tokens=VerifiedTokens(settings.secret_key), load_user=accounts.load_current_user
            ),
        ],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        before_send=[security_headers(settings.trust_forwarded_for)],
        dependencies={
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
            "texts": Provide(lambda: texts, use_cache=True, sync_to_thread=False),
            "sms": Provide(lambda: sms, use_cache=True, sync_to_thread=False),
            "cipher": Provide(lambda: cipher, use_cache=True, sync_to_thread=False),
            "clock": Provide(lambda: clock, use_cache=True, sync_to_thread=False),
            "case_ctx": Provide(lambda: case_ctx, use_cache=True, sync_to_thread=False),
            "vapid": Provide(lambda: vapid, use_cache=True, sync_to_thread=False),
            "media_ctx": Provide(lambda: media_ctx, use_cache=True, sync_to_thread=False),
            "rating_policy": Provide(lambda: rating_policy, use_cache=True, sync_to_thread=False),
        },
        state=State({"i18n": texts, "settings": settings}),
        openapi_config=OpenAPIConfig(
            title="Bianmin 便民 API",
            version="1",
            path="/schema",
            components=Components(
                security_schemes={"BearerToken": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
            ),
            security=[{"BearerToken": []}],
        ),
        logging_config=LoggingConfig(
            root={"level": "INFO", "handlers": ["queue_listener"]},
            loggers={
                "bianmin": {"level": "INFO", "propagate": True},
                # httpx logs every request URL at INFO; an SMS gateway's URL may carry its key.
                "httpx": {"level": "WARNING", "propagate": True},
            },
            log_exceptions="debug",
        ),
        plugins=[StrictStructSchemaPlugin()],
    )
    document_errors(app)
    return app
