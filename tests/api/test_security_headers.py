"""HTTP hardening on every answer: CSP without inline scripts, nosniff, no referrer, HSTS over https, CORS closed."""

import httpx
import pytest

from backend.app import create_app
from tests.conftest import running

EVERY = [
    ("GET", "/api/v1/services"),  # a public answer
    ("GET", "/api/v1/me"),  # 401
    ("GET", "/api/v1/no-such-thing"),  # 404 that no route handled
    ("DELETE", "/api/v1/regions"),  # 405
    ("GET", "/healthz"),
]


@pytest.mark.parametrize(("method", "path"), EVERY)
async def test_every_answer_carries_the_hardening_headers(client, method, path):
    response = await client.request(method, path)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "camera=(self)" in response.headers["permissions-policy"]
    assert "strict-transport-security" not in response.headers  # plain http: HSTS would be ignored anyway


async def test_hsts_only_over_https(settings, sms, clock):
    app = create_app(settings, sms=sms, clock=clock)
    async with running(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="https://bianmin.example") as https:
            response = await https.get("/healthz")
    assert response.headers["strict-transport-security"] == "max-age=31536000"


async def test_cross_origin_requests_get_no_cors_permission(client, auth):
    headers = await auth.role("resident")
    preflight = await client.options(
        "/api/v1/cases",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    read = await client.get("/api/v1/cases", headers={**headers, "Origin": "https://evil.example"})
    for response in (preflight, read):
        assert not [name for name in response.headers if name.lower().startswith("access-control-allow")]
