"""Payload fitting, topics, Retry-After, backoff, and the parts of webpush 1.0.6 we work around."""

import asyncio
import json
import os
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from webpush import WebPush
from webpush.types import WebPushSubscription

from backend.notifications._delivery import Policy
from backend.notifications._push import (
    MAX_BODY,
    MAX_PLAINTEXT,
    PushClient,
    classify,
    encode_fitting,
    parse_retry_after,
    topic_for,
)
from backend.notifications._vapid import Vapid, audience
from backend.notifications.structs import PushMessage, Target
from backend.settings import Settings
from tests.pushservice import PushService, b64url

#: The delivery round's instant, for code that dates a token or a Retry-After.
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
_KEY = ec.generate_private_key(ec.SECP256R1())
PEM = _KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def _message(title: str = "您的事项已受理", body: str = "“修路灯”（BM-1）已受理。") -> PushMessage:
    return PushMessage(title=title, body=body, url="/#/cases/1", tag="case-1", kind="case.accept", id=1, case_id=1)


def _browser() -> tuple[ec.EllipticCurvePrivateKey, bytes, Target]:
    key = ec.generate_private_key(ec.SECP256R1())
    auth = os.urandom(16)
    point = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    target = Target(
        id=1,
        user_id=1,
        endpoint="https://push.example.com/x",
        p256dh=b64url(point),
        auth=b64url(auth),
        locale=None,
        last_success_at=None,
    )
    return key, auth, target


#: The test push service listens on 127.0.0.1, which the client reaches only when told.
LOCAL = Settings(push_allow_insecure="127.0.0.1").push_allowance


@pytest.fixture
async def push_client():
    client = PushClient(Vapid(PEM, "mailto:ops@example.com"), concurrency=2)
    yield client
    await client.aclose()


def test_a_short_message_is_sent_whole_as_utf8():
    data = encode_fitting(_message())
    assert json.loads(data)["body"] == "“修路灯”（BM-1）已受理。"
    assert "已受理".encode() in data


@pytest.mark.parametrize("text", ["办" * 3000, "a办😀" * 1000, "é" * 5000])
def test_a_long_body_is_cut_on_a_character_boundary_to_fit(text):
    data = encode_fitting(_message(body=text))
    assert MAX_PLAINTEXT - 4 <= len(data) <= MAX_PLAINTEXT
    body = json.loads(data.decode("utf-8"))["body"]  # valid UTF-8: no character was cut in half
    assert body.endswith("…") and text.startswith(body[:-1])


def test_a_long_title_is_cut_after_the_body():
    data = encode_fitting(_message(title="标题" * 2000, body="正文" * 2000))
    message = json.loads(data)
    assert message["body"] == "…" and message["title"].endswith("…")
    assert len(data) <= MAX_PLAINTEXT


async def test_the_largest_payload_encrypts_to_at_most_4096_bytes(push_client):
    key, auth, target = _browser()
    data = encode_fitting(_message(body="办" * 3000))
    body = push_client.encrypt(target, data)
    assert len(body) <= MAX_BODY
    assert http_ece.decrypt(body, private_key=key, auth_secret=auth, version="aes128gcm") == data


async def test_an_oversized_payload_is_refused_before_sending(push_client):
    _, _, target = _browser()
    with pytest.raises(ValueError, match="encode_fitting"):
        await push_client.send(target, b"x" * (MAX_PLAINTEXT + 1), ttl=60, urgency="normal", topic=None, now=NOW)


async def test_headers_carry_ttl_urgency_topic_and_vapid(push_client):
    _, _, target = _browser()
    headers = push_client.headers(target, 600, "high", "case-9", NOW)
    assert (headers["TTL"], headers["Urgency"], headers["Topic"], headers["Content-Encoding"]) == (
        "600",
        "high",
        "case-9",
        "aes128gcm",
    )
    assert (
        headers["Authorization"].startswith("vapid t=")
        and f"k={push_client.vapid.application_server_key}" in headers["Authorization"]
    )
    assert "Topic" not in push_client.headers(target, 0, "normal", None, NOW)


def test_webpush_get_alone_would_keep_a_ttl_and_escape_chinese():
    """Why ``WebPush.get`` is not used (pinned webpush 1.0.6); if this fails, upstream changed."""
    vapid = Vapid(PEM, "mailto:ops@example.com")
    webpush = WebPush(private_key=vapid.private_pem, public_key=vapid.public_pem, subscriber="ops@example.com")
    _, _, target = _browser()
    subscription = WebPushSubscription(endpoint=target.endpoint, keys={"p256dh": target.p256dh, "auth": target.auth})
    assert webpush.get(b"x", subscription, ttl=60).headers["ttl"] == "60"
    assert webpush.get(b"x", subscription).headers["ttl"] == "60"  # sticks
    escaped = json.dumps({"t": "已受理"}).encode()
    assert len(escaped) > len(json.dumps({"t": "已受理"}, ensure_ascii=False).encode())


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("https://push.example.com:8443/a/b", "https://push.example.com:8443"),
        ("https://push.example.com/a", "https://push.example.com"),
        ("https://push.example.com:443/a", "https://push.example.com"),
        ("http://127.0.0.1:8080/p", "http://127.0.0.1:8080"),
        ("https://[2001:db8::1]:9000/p", "https://[2001:db8::1]:9000"),
    ],
)
def test_the_vapid_audience_keeps_a_non_default_port(endpoint, expected):
    assert audience(endpoint) == expected


@pytest.mark.parametrize("case_id", [1, 123456789, 2**63 - 1])
def test_topics_are_short_url_safe_base64(case_id):
    topic = topic_for(case_id)
    assert len(topic) <= 32 and set(topic) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert topic_for(None) is None


def test_retry_after_in_seconds_or_as_a_date():
    assert parse_retry_after("120", NOW) == 120
    assert parse_retry_after(None, NOW) is None and parse_retry_after("soon", NOW) is None
    later = NOW + timedelta(minutes=5)
    assert 290 <= parse_retry_after(format_datetime(later, usegmt=True), NOW) <= 300
    assert parse_retry_after("99999999", NOW) == 86400


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (201, "ok"),
        (202, "ok"),
        (404, "gone"),
        (410, "gone"),
        (429, "retry"),
        (500, "retry"),
        (503, "retry"),
        (400, "failed"),
        (403, "failed"),
        (413, "failed"),
    ],
)
def test_push_service_answers_are_classified(status, outcome):
    assert classify(status, None, NOW).outcome == outcome


def test_backoff_doubles_up_to_an_hour():
    policy = Policy()
    assert [policy.backoff(n) for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


async def test_sends_reuse_connections_and_never_exceed_the_concurrency():
    service = PushService().start()
    service.delay = 0.02  # a slow network, so requests overlap
    client = PushClient(Vapid(PEM, "mailto:ops@example.com"), concurrency=4, allowance=LOCAL)
    try:
        key = client.vapid.application_server_key
        devices = [service.device(key) for _ in range(10)]
        sends = [
            client.send(
                Target(
                    id=n,
                    user_id=n,
                    endpoint=device.endpoint,
                    p256dh=device.subscription()["keys"]["p256dh"],
                    auth=device.subscription()["keys"]["auth"],
                    locale=None,
                    last_success_at=None,
                ),
                encode_fitting(_message(body=f"第{round_}轮")),
                ttl=60,
                urgency="normal",
                topic=None,
                now=datetime.now(UTC),  # the push service here keeps real time
            )
            for round_ in range(4)
            for n, device in enumerate(devices)
        ]
        results = await asyncio.gather(*sends)
    finally:
        await client.aclose()
        service.stop()

    assert {result.outcome for result in results} == {"ok"} and service.errors == []
    assert sum(len(device.received) for device in devices) == 40
    assert service.most_in_flight == 4
    assert len(service.connections) <= 4  # 40 messages over at most 4 kept-alive connections
