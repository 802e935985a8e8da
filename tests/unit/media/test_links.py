"""Signed photo links: for one photo and one viewer, for half a day to a day."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from backend.media._links import Links, is_key, key_of, new_key

SECRET = "test-secret-key-that-is-long-enough-for-hkdf-0123456789"
NOON = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
KEY = "0123456789abcdef01234567"
OTHER_KEY = "76543210fedcba9876543210"


def _token(url: str) -> str:
    return parse_qs(urlsplit(url).query)["t"][0]


def test_a_link_names_its_viewer_until_it_expires():
    links = Links(SECRET)
    photo = links.photo(7, KEY, 3, NOON, 1600, 1200)
    assert urlsplit(photo.url).path == f"/api/v1/media/7/{KEY}"
    assert urlsplit(photo.thumb_url).path == f"/api/v1/media/7/{KEY}/thumb"
    assert key_of(photo) == KEY
    token = _token(photo.url)
    assert links.viewer(7, KEY, token, NOON) == 3
    assert links.viewer(7, KEY, token, NOON + timedelta(hours=12)) == 3
    assert links.viewer(7, KEY, token, NOON + timedelta(hours=24)) is None


def test_links_stay_the_same_for_half_a_day_so_browsers_can_cache_them():
    links = Links(SECRET)
    start = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    same = {links.token(7, KEY, 3, start + timedelta(hours=h)) for h in range(12)}
    assert len(same) == 1
    assert links.token(7, KEY, 3, start + timedelta(hours=12)) not in same


def test_a_link_opens_nothing_else():
    links = Links(SECRET)
    token = links.token(7, KEY, 3, NOON)
    viewer, expires, signature = token.split(".")
    assert links.viewer(8, KEY, token, NOON) is None
    # The same id with another key (a later photo that got a deleted one's id) is another photo.
    assert links.viewer(7, OTHER_KEY, token, NOON) is None
    assert links.viewer(7, KEY, f"4.{expires}.{signature}", NOON) is None
    assert links.viewer(7, KEY, f"{viewer}.{int(expires) + 43200}.{signature}", NOON) is None
    assert Links(SECRET + "-other").viewer(7, KEY, token, NOON) is None
    for junk in ("", "3", "3.x.y", "３.1.abc", "3.1.签名"):
        assert links.viewer(7, KEY, junk, NOON) is None


def test_photo_keys_are_random_hex_and_never_repeat():
    keys = {new_key() for _ in range(1000)}
    assert len(keys) == 1000
    assert all(is_key(key) for key in keys)
    for bad in ("", KEY.upper(), KEY[:-1], KEY + "0", "../" + KEY[3:], "g" * 24):
        assert not is_key(bad), bad
