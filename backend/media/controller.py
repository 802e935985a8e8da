from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import HeaderParameter, PathParameter, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from backend.idempotency.service import run_once
from backend.lib.auth import CurrentUser, UserRequest, require_user
from backend.lib.structs import PathId
from backend.media import _upload as upload
from backend.media import service
from backend.media._links import KEY_LENGTH, key_of
from backend.media.service import Context
from backend.media.structs import Photo

IdempotencyKey = Annotated[str | None, HeaderParameter(name="Idempotency-Key", max_length=100)]
#: A signed link (``?t=``), for ``<img>`` tags that cannot send the bearer token.
LinkToken = Annotated[str | None, QueryParameter(max_length=200)]
#: The photo's own random key, which never names another photo even when its id comes back.
PhotoKey = Annotated[str, PathParameter(max_length=KEY_LENGTH)]
#: The bytes behind an id never change, so a browser may keep them for a year.
SERVED_HEADERS = {
    "Cache-Control": "private, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
}


async def _viewer(
    request: Request,
    media_id: PathId,
    key: PhotoKey,
    media_ctx: NamedDependency[Context],
    now: NamedDependency[datetime],
    t: LinkToken = None,
) -> CurrentUser:
    """The bearer-token user, else the one a valid signed link (``?t=``) was made for."""
    actor = await service.viewer(request.scope.get("user"), media_id, key, t, now, media_ctx)
    if actor is None:
        raise NotAuthorizedException(detail="auth.required")
    return actor


def _served(data: bytes, content_type: str) -> Response[bytes]:
    return Response(data, media_type=content_type, headers=SERVED_HEADERS)


class MediaController(Controller):
    path = "/media"
    tags = ["media"]
    dependencies = {"viewer": Provide(_viewer)}

    @post(
        operation_id="UploadMedia",
        summary="Upload a photo (multipart field `file`): JPEG, PNG or WebP",
        guards=[require_user],
        status_code=HTTP_201_CREATED,
        # The handler reads the body itself, against media_max_bytes (see upload.py).
        request_max_body_size=None,
    )
    async def upload(
        self,
        request: UserRequest,
        media_ctx: NamedDependency[Context],
        now: NamedDependency[datetime],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[Photo]:
        actor = request.user
        image = await service.process(await upload.read_file(request, media_ctx.max_bytes), media_ctx)

        async def create() -> tuple[int, bytes]:
            photo = await service.create(actor.id, image, now, media_ctx)
            return HTTP_201_CREATED, msgspec.json.encode(photo)

        status, body = await run_once(actor.id, "media", idempotency_key, image.source_sha256, create, now=now)
        # A retry may come a day later: the same photo, with links signed afresh.
        first = msgspec.json.decode(body, type=Photo)
        photo = media_ctx.links.photo(first.id, key_of(first), actor.id, now, first.width, first.height)
        return Response(photo, status_code=status)

    @get(
        "/{media_id:int}/{key:str}",
        operation_id="GetMedia",
        summary="The photo (bearer token or signed link; the path as in the photo's `url`)",
        media_type="image/jpeg",
    )
    async def image(
        self,
        media_id: PathId,
        key: PhotoKey,
        viewer: NamedDependency[CurrentUser],
        media_ctx: NamedDependency[Context],
    ) -> Response[bytes]:
        return _served(*await service.content(viewer, media_id, key, False, media_ctx))

    @get(
        "/{media_id:int}/{key:str}/thumb",
        operation_id="GetMediaThumbnail",
        summary="The 320 px thumbnail (the path as in the photo's `thumb_url`)",
        media_type="image/jpeg",
    )
    async def thumb(
        self,
        media_id: PathId,
        key: PhotoKey,
        viewer: NamedDependency[CurrentUser],
        media_ctx: NamedDependency[Context],
    ) -> Response[bytes]:
        return _served(*await service.content(viewer, media_id, key, True, media_ctx))
