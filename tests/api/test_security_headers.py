"""HTTP hardening on every answer: CSP without inline scripts, nosniff, no referrer, HSTS over https, CORS closed."""

import re

import httpx
import pytest

from backend.app import create_app
from backend.lib.security import CSP
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


@pytest.mark.parametrize(
    "path",
    [
        "/schema",
        "/schema/",
        "/schema/swagger",
        "/schema/redoc",
        "/schema/elements",
        "/schema/rapidoc",
        "/schema/scalar",
        "/schema/openapi.yaml",
        "/schema/openapi.yml",
        "/schema/oauth2-redirect.html",
    ],
)
async def test_no_api_viewer_page_is_served(client, path):
    """The viewers load scripts from a CDN into the origin that holds the token."""
    response = await client.get(path)
    assert response.status_code == 404
    assert response.headers["content-security-policy"] == CSP


async def test_the_schema_is_served_as_json_under_the_csp(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path", ["/schema/openapi.json", "/schema/swagger", "/api/v1/services", "/healthz", "/api/v1/no-such-thing"]
)
async def test_no_answer_names_a_script_from_another_origin(client, path):
    response = await client.get(path)
    assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", response.text, re.IGNORECASE)
    assert "cdn.jsdelivr.net" not in response.text and "unpkg.com" not in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
