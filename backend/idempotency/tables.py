from piccolo.columns import Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class IdempotentRequest(Table):
    """The first answer to a create request, kept to answer its retries."""

    id: Serial  # the primary key Piccolo adds; an annotation only, for mypy: no schema change
    #: "<user id>:<what is created>:<Idempotency-Key>", unique.
    ident = Varchar(length=200, unique=True, index=True)
    user_id = Integer(index=True)
    #: sha256 of the request body, to refuse the same key with a different body.
    request_hash = Varchar(length=64)
    status_code = Integer()
    response = Text()
    created_at = Timestamptz()
