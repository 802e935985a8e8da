"""A photo's URL never names another photo, even where the database gives its id again.

The attack (finding 21): SQLite gives the id of a deleted newest row to the next row.
A resident's photo is the newest, is never attached and goes after a day; the next
upload, someone else's, gets its id. Kept by path (the browser's cache, the PWA's
service worker), the old picture came back under the new photo's URL — or the new one
under the old URL. Now each URL carries the photo's own random key, made once.
"""

from urllib.parse import urlsplit

from backend.media._links import is_key
from backend.media._storage import from_settings
from backend.media.jobs import remove_stale
from backend.media.piccolo_migrations.media_2026_12_06t09_00_01_000000 import fill_keys
from backend.media.tables import Media
from tests.api.cases.helpers import submit
from tests.conftest import PG_URL
from tests.unit.media.pictures import jpeg

from .helpers import path_of, photo


async def test_a_new_photo_that_gets_a_deleted_photos_id_has_other_urls(client, auth, clock, settings):
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    kept = await photo(client, resident, jpeg((320, 240)))
    assert (await submit(client, resident, media=[kept["id"]])).status_code == 201
    deleted = await photo(client, resident, jpeg((640, 480)))  # the newest row, never attached
    assert (await client.get(path_of(deleted), headers=resident)).status_code == 200
    clock.travel(days=2)
    assert await remove_stale(clock.now(), from_settings(settings)) == 1

    new = await photo(client, worker, jpeg((800, 600)))
    if not PG_URL:
        assert new["id"] == deleted["id"], "SQLite gives the deleted newest id again (the attack's premise)"
    urls = {deleted["url"], deleted["thumb_url"], new["url"], new["thumb_url"]}
    paths = {urlsplit(url).path for url in urls}
    assert len(paths) == 4, paths
    # The old photo's URL names nothing now, for its uploader or the new photo's, with or
    # without a link: never the new picture.
    for url in (deleted["url"], deleted["thumb_url"]):
        assert (await client.get(url)).status_code in (401, 404), url
        for headers in (resident, worker):
            assert (await client.get(urlsplit(url).path, headers=headers)).status_code == 404, url
    # The new photo is served under its own URLs, at its own size.
    served = await client.get(new["url"])
    assert served.status_code == 200 and (await client.get(new["thumb_url"])).status_code == 200
    # Its key cannot be swapped for the old one's, nor left out.
    old_key = urlsplit(deleted["url"]).path.rsplit("/", 1)[1]
    assert (await client.get(f"/api/v1/media/{new['id']}/{old_key}", headers=worker)).status_code == 404
    assert (await client.get(f"/api/v1/media/{new['id']}", headers=worker)).status_code == 404


async def test_photos_stored_before_keys_get_one_each_when_migrated(client, auth):
    resident = await auth.role("resident")
    first, second = await photo(client, resident), await photo(client, resident)
    await Media.update({Media.link_key: ""}, force=True)  # as the column's migration leaves them
    await fill_keys()
    keys = [row["link_key"] for row in await Media.select(Media.link_key).order_by(Media.id)]
    assert len(set(keys)) == 2 and all(is_key(key) for key in keys), keys
    # Served under their new paths (the links handed out before name the old key: 404).
    for uploaded in (first, second):
        assert (await client.get(path_of(uploaded), headers=resident)).status_code == 404
    rows = await Media.select(Media.id, Media.link_key).order_by(Media.id)
    for row in rows:
        assert (await client.get(f"/api/v1/media/{row['id']}/{row['link_key']}", headers=resident)).status_code == 200
