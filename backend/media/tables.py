from piccolo.columns import (
    ForeignKey,
    Integer,
    LazyTableReference,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class Media(Table):
    """A photo as we keep it: re-encoded, without metadata, stored by content.

    Several rows may share one stored file (the same photo uploaded twice); a
    row belongs to its uploader until it is attached to a case.
    """

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    #: Random, made once at upload, in every URL of the photo: SQLite gives a deleted
    #: newest row's id to the next one, but never this, so a URL never names two photos.
    link_key = Varchar(length=32)
    owner = ForeignKey(LazyTableReference("User", module_path="backend.accounts.tables"), index=True)
    #: The case it is attached to, null until then; a plain id because media sits below cases.
    case_id = Integer(null=True, default=None, index=True)
    #: Of the stored image (image/jpeg).
    content_type = Varchar(length=32)
    width = Integer()
    height = Integer()
    #: Size of the stored image.
    bytes = Integer()
    #: Of the stored image: its content address, shared by rows of the same photo.
    sha256 = Varchar(length=64, index=True)
    #: Storage keys of the image and its thumbnail.
    path = Varchar(length=100)
    thumb_path = Varchar(length=100)
    created_at = Timestamptz(index=True)
