"""Access tokens: the verified-token cache never accepts what a fresh check would refuse."""

import jwt

from backend.lib.auth import VerifiedTokens, issue_token
from tests.conftest import TravelClock

SECRET = "unit-test-secret-that-is-long-enough-0123456789"


def test_a_valid_token_names_its_user_and_a_forged_one_nobody():
    clock = TravelClock()
    tokens = VerifiedTokens(SECRET, clock=clock)
    assert tokens.user_id(issue_token(42, SECRET, 1, now=clock.now())) == 42
    forged = issue_token(42, "another-secret-that-is-long-enough-0123456789", 1, now=clock.now())
    assert tokens.user_id(forged) is None
    assert tokens.user_id("not-a-token") is None


def test_a_cached_token_stops_working_when_it_expires():
    clock = TravelClock()
    tokens = VerifiedTokens(SECRET, clock=clock)
    token = jwt.encode({"sub": "7", "exp": int(clock.now().timestamp()) + 1}, SECRET, algorithm="HS256")
    assert tokens.user_id(token) == 7  # checked and remembered
    clock.travel(seconds=2.05)
    assert tokens.user_id(token) is None


def test_an_expired_token_is_refused_before_it_is_remembered():
    clock = TravelClock()
    token = issue_token(7, SECRET, 1, now=clock.now())
    clock.travel(days=1)
    assert VerifiedTokens(SECRET, clock=clock).user_id(token) is None


def test_a_token_without_expiry_is_refused():
    token = jwt.encode({"sub": "7"}, SECRET, algorithm="HS256")
    assert VerifiedTokens(SECRET).user_id(token) is None


def test_the_cache_stays_bounded():
    clock = TravelClock()
    tokens = VerifiedTokens(SECRET, size=10, clock=clock)
    for user in range(25):
        assert tokens.user_id(issue_token(user, SECRET, 1, now=clock.now())) == user
    assert len(tokens._known) <= 10  # noqa: SLF001 - the cache is private; its size is what this test is about


def test_a_token_names_its_session_and_one_from_before_sessions_names_none():
    clock = TravelClock()
    tokens = VerifiedTokens(SECRET, clock=clock)
    claims = tokens.claims(issue_token(42, SECRET, 1, now=clock.now(), sid="abc"))
    assert claims is not None and (claims.user_id, claims.sid) == (42, "abc")
    old = tokens.claims(issue_token(42, SECRET, 1, now=clock.now()))
    assert old is not None and old.sid is None
