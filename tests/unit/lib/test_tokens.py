"""Access tokens: the verified-token cache never accepts what a fresh check would refuse."""

import time

import jwt

from backend.lib.auth import VerifiedTokens, issue_token

SECRET = "unit-test-secret-that-is-long-enough-0123456789"


def test_a_valid_token_names_its_user_and_a_forged_one_nobody():
    tokens = VerifiedTokens(SECRET)
    assert tokens.user_id(issue_token(42, SECRET, 1)) == 42
    assert tokens.user_id(issue_token(42, "another-secret-that-is-long-enough-0123456789", 1)) is None
    assert tokens.user_id("not-a-token") is None


def test_a_cached_token_stops_working_when_it_expires():
    tokens = VerifiedTokens(SECRET)
    token = jwt.encode({"sub": "7", "exp": int(time.time()) + 1}, SECRET, algorithm="HS256")
    assert tokens.user_id(token) == 7  # checked and remembered
    time.sleep(2.05)
    assert tokens.user_id(token) is None


def test_a_token_without_expiry_is_refused():
    token = jwt.encode({"sub": "7"}, SECRET, algorithm="HS256")
    assert VerifiedTokens(SECRET).user_id(token) is None


def test_the_cache_stays_bounded():
    tokens = VerifiedTokens(SECRET, size=10)
    for user in range(25):
        assert tokens.user_id(issue_token(user, SECRET, 1)) == user
    assert len(tokens._known) <= 10
