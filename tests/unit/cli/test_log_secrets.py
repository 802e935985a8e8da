"""A real `bianmin serve` process, with the production SMS gateway (webhook), through sign-in,
submission, lookup and photos: its log holds no token, code, phone or id number.

The development SMS sender (``log``, the default) prints codes to the log on purpose;
this test proves the log of a production configuration is clean.
"""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote_plus

import httpx

from backend.lib.privacy import FULL_WIDTH_DIGITS
from tests.api.cases.helpers import GRID_A
from tests.processes import Server, process_env
from tests.unit.media.pictures import jpeg

PHONE = "13912348765"
ID_NUMBER = "110101199003070011"


#: Some gateways take their API key in the URL; it must not reach the log either.
GATEWAY_KEY = "gw-key-5f1c9e"


class Gateway(ThreadingHTTPServer):
    """The SMS gateway's HTTP bridge: keeps what it was asked to send."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Bridge)
        self.sent: list[dict] = []


class _Bridge(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.server.sent.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        return None


async def _flow(http: httpx.AsyncClient, gateway: Gateway, staff: dict[str, str]) -> list[str]:
    """Everything a resident and a clerk do on a first day; returns the secrets it handled."""
    assert (await http.post("/api/v1/auth/otp", json={"phone": PHONE})).status_code == 202
    code = re.search(r"\d{6}", gateway.sent[-1]["text"]).group(0)
    wrong = "000000" if code != "000000" else "111111"
    assert (await http.post("/api/v1/auth/login", json={"phone": PHONE, "code": wrong})).status_code == 401
    login = (await http.post("/api/v1/auth/login", json={"phone": PHONE, "code": code})).json()
    token = login["access_token"]
    me = {"Authorization": f"Bearer {token}"}
    photo = (
        await http.post("/api/v1/media", files={"file": ("a.jpg", jpeg((64, 48)), "image/jpeg")}, headers=me)
    ).json()
    case = (
        await http.post(
            "/api/v1/cases",
            headers={**me, "Idempotency-Key": "log-1"},
            json={
                "kind": "request",
                "service_code": "AST-001",
                "title": "申请低保",
                "region": GRID_A,
                "description": f"身份证号{ID_NUMBER}",
                "media": [photo["id"]],
            },
        )
    ).json()
    assert (await http.get(f"/api/v1/cases/{case['id']}", headers=me)).status_code == 200
    assert (await http.get("/api/v1/cases", headers=me)).status_code == 200
    lookup = await http.get("/api/v1/cases/lookup", params={"receipt_no": case["receipt_no"], "phone": PHONE})
    assert lookup.status_code == 200
    assert (await http.get(photo["url"])).status_code == 200
    assert (await http.get(f"/api/v1/cases/{case['id']}", headers=staff)).status_code == 200
    created = await http.post(
        "/api/v1/users",
        headers=staff,
        json={
            "phone": "13912340001",
            "region": GRID_A,
            "id_number": "110101198001010037",
        },
    )
    assert created.status_code == 201, created.text
    assert (await http.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})).status_code == 401
    # Searches by phone, as a clerk types them, and a phone in a parameter no route reads.
    for typed in ("13912340001", "139 1234 0001", "+86 139-1234-0001", "１３９１２３４０００１"):
        assert (await http.get("/api/v1/users", params={"q": typed}, headers=staff)).status_code == 200
    assert (await http.get("/api/v1/residents", params={"q": PHONE}, headers=staff)).status_code == 200
    assert (
        await http.get("/api/v1/services", params={"channel": "online", "x": "电话139-1234-0001"})
    ).status_code == 200
    link_token = photo["url"].split("t=")[1]
    return [token, code, PHONE, "13912340001", "13800000003", ID_NUMBER, "110101198001010037", link_token]


async def test_the_production_log_holds_no_token_code_phone_or_id_number(client, auth, settings, tmp_path):
    staff = await auth.role("staff")  # the demo clerk, in the shared database
    gateway = Gateway()
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    env = process_env(
        settings,
        tmp_path / "serve-data",
        BIANMIN_DEMO="off",
        BIANMIN_SMS_BACKEND="webhook",
        BIANMIN_SMS_WEBHOOK_URL=f"http://127.0.0.1:{gateway.server_address[1]}/sms?key={GATEWAY_KEY}",
    )
    server = Server(env, tmp_path / "server.log")
    server.start()
    try:
        await server.wait_healthy()
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            secrets = await _flow(http, gateway, staff)
    finally:
        server.stop()
        gateway.shutdown()
    log = server.log()
    assert "/api/v1/cases/lookup" in log and "/api/v1/auth/login" in log  # the requests were logged
    found = [secret for secret in [*secrets, GATEWAY_KEY] if secret in log]
    assert not found, f"in the log: {found}\n{log}"
    # Nor a phone number spelled any other way in a request line (spaces, dashes, +86, full width).
    targets = re.findall(r'"(?:GET|POST|PATCH|PUT|DELETE) (\S+) HTTP', log)
    assert "/api/v1/users?q=***" in targets and "/api/v1/residents?q=***" in targets
    spelled = [
        t
        for t in targets
        if re.search(r"1[3-9]\d{9}", re.sub(r"[\s+.-]", "", unquote_plus(t).translate(FULL_WIDTH_DIGITS)))
    ]
    assert not spelled, spelled
