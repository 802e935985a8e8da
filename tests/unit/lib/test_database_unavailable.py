"""Which failures mean "the database is away" (503 with Retry-After) and which are bugs (500)."""

import asyncpg
import pytest

from backend.lib.errors import database_unavailable


def _chained(cause: BaseException) -> RuntimeError:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise RuntimeError("query failed") from inner
    except RuntimeError as outer:
        return outer


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionRefusedError(111, "Connection refused"),
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError(),
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.InterfaceError("cannot call Transaction.rollback(): the underlying connection is closed"),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
    ],
)
def test_connection_failures_are_unavailability_even_when_wrapped(exc):
    assert database_unavailable(exc)
    assert database_unavailable(_chained(exc))


@pytest.mark.parametrize("exc", [ValueError("bad"), KeyError("id"), asyncpg.UniqueViolationError("duplicate key")])
def test_bugs_and_constraint_errors_are_not(exc):
    assert not database_unavailable(exc)
    assert not database_unavailable(_chained(exc))
