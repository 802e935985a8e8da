from typing import Annotated

import msgspec

from backend.lib.structs import Id

#: Photos one submission or timeline step may carry (a phone gallery's usual nine).
MAX_PHOTOS = 9

#: Ids of photos uploaded with POST /media, for a case or a timeline step.
MediaIds = Annotated[list[Id], msgspec.Meta(max_length=MAX_PHOTOS)]


class Photo(msgspec.Struct, kw_only=True):
    """An uploaded photo, with URLs an ``<img>`` can load (signed for the viewer; see ``links``)."""

    id: int
    url: str
    thumb_url: str
    width: int
    height: int
