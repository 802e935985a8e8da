"""GET /push/key, POST and DELETE /push/subscriptions."""

import asyncio
import base64
import socket

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from backend.notifications import _outbox as outbox
from backend.notifications import _subscriptions as subscriptions
from tests.api.cases.helpers import user_id
from tests.api.notifications.helpers import INSECURE
from tests.conftest import error_code
from tests.pushservice import PushService, b64url

ENDPOINT = "https://push.example.com:8443/wpush/v2/abc"


@pytest.fixture
def push_service():
    """Endpoints only; nothing is sent in these tests."""
    service = PushService()
    yield service
    service.stop()


def _body(push_service, endpoint=ENDPOINT, **keys):
    body = push_service.device().subscription()
    body["endpoint"] = endpoint
    body["keys"].update(keys)
    return body


async def test_push_key_is_an_uncompressed_p256_point(client):
    response = await client.get("/api/v1/push/key")
    assert response.status_code == 200
    key = response.json()["public_key"]
    assert "=" not in key
    point = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(point) == 65 and point[0] == 4
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    assert (await client.get("/api/v1/push/key")).json()["public_key"] == key


async def test_subscribing_twice_keeps_one_row_with_the_new_keys(client, auth, push_service):
    resident = await auth.role("resident")
    first = await client.post("/api/v1/push/subscriptions", json=_body(push_service), headers=resident)
    assert first.status_code == 201, first.text
    again = _body(push_service)
    second = await client.post("/api/v1/push/subscriptions", json=again, headers=resident)
    assert second.status_code == 201
    assert second.json()["id"] == first.json()["id"]
    mine = await subscriptions.for_user(await user_id(client, resident))
    assert [s.endpoint for s in mine] == [ENDPOINT]
    resident_id = await user_id(client, resident)
    [target] = (await outbox.targets([resident_id]))[resident_id]
    assert (target.p256dh, target.auth) == (again["keys"]["p256dh"], again["keys"]["auth"])


async def test_the_same_browser_moves_its_endpoint_to_whoever_signs_in_next(client, auth, push_service):
    """A shared phone whose last user did not sign out: the browser (same keys) now belongs to the next one."""
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    body = _body(push_service)
    await client.post("/api/v1/push/subscriptions", json=body, headers=resident)
    moved = await client.post("/api/v1/push/subscriptions", json={**body, "locale": "zh-Hant"}, headers=worker)
    assert moved.status_code == 201
    assert await subscriptions.for_user(await user_id(client, resident)) == []
    [kept] = await subscriptions.for_user(await user_id(client, worker))
    assert (kept.endpoint, kept.locale) == (ENDPOINT, "zh-Hant")


@pytest.mark.parametrize("changed", ["p256dh", "auth", "both"])
async def test_someone_elses_endpoint_with_other_keys_is_refused_and_stays_theirs(client, auth, push_service, changed):
    """Whoever learned an endpoint cannot redirect its owner's notifications to keys of their own."""
    resident, attacker = await auth.role("resident"), await auth.role("grid_worker")
    await client.patch("/api/v1/me", json={"locale": "zh-Hant"}, headers=attacker)
    mine = _body(push_service)
    await client.post("/api/v1/push/subscriptions", json=mine, headers=resident)
    theirs = _body(push_service)  # a fresh browser's keys
    if changed != "both":
        theirs["keys"] = {**mine["keys"], changed: theirs["keys"][changed]}
    response = await client.post("/api/v1/push/subscriptions", json=theirs, headers=attacker)
    assert response.status_code == 409
    assert error_code(response) == "push.endpoint_taken"
    assert "另一個賬號" in response.json()["error"]["message"]
    resident_id = await user_id(client, resident)
    [target] = (await outbox.targets([resident_id]))[resident_id]
    assert (target.endpoint, target.p256dh, target.auth) == (ENDPOINT, mine["keys"]["p256dh"], mine["keys"]["auth"])
    assert await subscriptions.for_user(await user_id(client, attacker)) == []


@pytest.mark.parametrize(("locale", "word"), [("zh-Hans", "必须"), ("zh-Hant", "必須")])
async def test_http_endpoint_is_refused_in_the_readers_script(client, auth, push_service, locale, word):
    headers = await auth.role("resident")
    await client.patch("/api/v1/me", json={"locale": locale}, headers=headers)
    body = _body(push_service, endpoint="http://push.example.com/abc")
    response = await client.post("/api/v1/push/subscriptions", json=body, headers=headers)
    assert response.status_code == 400
    assert error_code(response) == "push.endpoint_insecure"
    assert response.json()["error"]["details"] == {"field": "endpoint"}
    assert word in response.json()["error"]["message"]


@pytest.mark.parametrize("settings", INSECURE, indirect=True)
async def test_http_endpoint_is_accepted_when_insecure_push_is_allowed(client, auth, push_service):
    response = await client.post(
        "/api/v1/push/subscriptions",
        json=_body(push_service, endpoint="http://127.0.0.1:9/p"),
        headers=await auth.role("resident"),
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://127.0.0.1/p",
        "https://10.1.2.3/p",
        "https://localhost:8443/p",
        "https://[::1]/p",
        # Numeric spellings the C library reads as a local address (SSRF through the push worker).
        "https://2130706433/p",
        "https://127.1/p",
        "https://0x7f.0.0.1/p",
        "https://0177.0.0.1/p",
        "https://0/p",
        "https://[::ffff:127.0.0.1]/p",
        "https://[::ffff:7f00:1]/p",
        "https://[2002:7f00:1::]/p",
        "https://[64:ff9b::a9fe:a9fe]/p",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/p",
        "https://LocalHost/p",
        "https://printer.local/p",
        "ftp://push.example.com/p",
        "https://user:pw@push.example.com/p",
        "push.example.com/p",
        "https://push.example.com:99999/p",
    ],
)
async def test_endpoints_that_are_not_public_https_urls_are_refused(client, auth, push_service, endpoint):
    response = await client.post(
        "/api/v1/push/subscriptions", json=_body(push_service, endpoint=endpoint), headers=await auth.role("resident")
    )
    assert response.status_code == 400
    assert error_code(response) == "push.endpoint_invalid"


async def test_a_name_that_resolves_to_a_private_address_is_refused(client, auth, push_service, monkeypatch):
    async def private(host, port, **kwargs):
        if host == "push.inside.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]
        raise socket.gaierror(socket.EAI_NONAME, "not known")

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", private)
    headers = await auth.role("resident")
    body = _body(push_service, endpoint="https://push.inside.example/p")
    response = await client.post("/api/v1/push/subscriptions", json=body, headers=headers)
    assert response.status_code == 400
    assert error_code(response) == "push.endpoint_invalid"
    # A name that does not resolve now is left to the check on every connection.
    accepted = await client.post("/api/v1/push/subscriptions", json=_body(push_service), headers=headers)
    assert accepted.status_code == 201


@pytest.mark.parametrize("settings", INSECURE, indirect=True)
@pytest.mark.parametrize("endpoint", ["http://10.0.0.1:9/p", "http://push.example.com/p", "http://127.0.0.2:9/p"])
async def test_the_allowance_covers_only_the_named_local_address(client, auth, push_service, endpoint):
    response = await client.post(
        "/api/v1/push/subscriptions", json=_body(push_service, endpoint=endpoint), headers=await auth.role("resident")
    )
    assert response.status_code == 400


def _point_of_length(n: int) -> str:
    return b64url(b"\x04" + bytes(n - 1))


@pytest.mark.parametrize(
    ("keys", "code", "field"),
    [
        ({"p256dh": _point_of_length(64)}, "push.key_invalid", "keys.p256dh"),
        ({"p256dh": _point_of_length(65)}, "push.key_invalid", "keys.p256dh"),  # not on the curve
        ({"p256dh": "not base64!"}, "push.key_invalid", "keys.p256dh"),
        ({"auth": b64url(bytes(15))}, "push.auth_invalid", "keys.auth"),
        ({"auth": b64url(bytes(17))}, "push.auth_invalid", "keys.auth"),
        ({"auth": "%%%"}, "push.auth_invalid", "keys.auth"),
    ],
)
async def test_bad_keys_answer_400_in_the_readers_script(client, auth, push_service, keys, code, field):
    headers = await auth.role("resident")
    await client.patch("/api/v1/me", json={"locale": "zh-Hant"}, headers=headers)
    response = await client.post("/api/v1/push/subscriptions", json=_body(push_service, **keys), headers=headers)
    assert response.status_code == 400
    assert error_code(response) == code
    assert response.json()["error"]["details"] == {"field": field}
    assert "瀏覽器" in response.json()["error"]["message"]


async def test_padded_base64_keys_are_accepted(client, auth, push_service):
    body = _body(push_service)
    body["keys"] = {k: v + "=" * (-len(v) % 4) for k, v in body["keys"].items()}
    response = await client.post("/api/v1/push/subscriptions", json=body, headers=await auth.role("resident"))
    assert response.status_code == 201, response.text


async def test_signed_out_visitors_cannot_subscribe(client, push_service):
    response = await client.post("/api/v1/push/subscriptions", json=_body(push_service))
    assert response.status_code == 401


async def test_unsubscribing_drops_only_the_callers_own_subscription(client, auth, push_service):
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    await client.post("/api/v1/push/subscriptions", json=_body(push_service), headers=resident)
    other = await client.request("DELETE", "/api/v1/push/subscriptions", json={"endpoint": ENDPOINT}, headers=worker)
    assert other.status_code == 204
    assert len(await subscriptions.for_user(await user_id(client, resident))) == 1
    mine = await client.request("DELETE", "/api/v1/push/subscriptions", json={"endpoint": ENDPOINT}, headers=resident)
    assert mine.status_code == 204
    assert await subscriptions.for_user(await user_id(client, resident)) == []
    again = await client.request("DELETE", "/api/v1/push/subscriptions", json={"endpoint": ENDPOINT}, headers=resident)
    assert again.status_code == 204


async def test_a_user_keeps_only_the_newest_subscriptions(client, auth, push_service, clock):
    resident = await auth.role("resident")
    endpoints = [f"https://push.example.com/sub/{n}" for n in range(subscriptions.MAX_PER_USER + 2)]
    for endpoint in endpoints:
        clock.travel(minutes=1)
        response = await client.post("/api/v1/push/subscriptions", json=_body(push_service, endpoint), headers=resident)
        assert response.status_code == 201
    kept = await subscriptions.for_user(await user_id(client, resident))
    assert [s.endpoint for s in kept] == endpoints[2:]
