"""Every failure has the one error shape, in the reader's script."""

from backend.regions import service as regions
from tests.conftest import error_code


async def test_unknown_path_is_a_localized_404(client):
    hans = await client.get("/api/v1/no-such-thing")
    hant = await client.get("/api/v1/no-such-thing", headers={"Accept-Language": "zh-TW,zh;q=0.9"})
    assert hans.status_code == hant.status_code == 404
    assert error_code(hans) == error_code(hant) == "not_found"
    assert hans.json()["error"]["message"] == "找不到您要的内容。"
    assert hant.json()["error"]["message"] == "找不到您要的內容。"


async def test_wrong_method_is_a_localized_405(client):
    response = await client.delete("/api/v1/regions", headers={"Accept-Language": "zh-Hant"})
    assert response.status_code == 405
    assert error_code(response) == "method_not_allowed"
    assert response.json()["error"]["message"] == "不支持這種操作方式。"


async def test_bad_query_parameter_names_it(client):
    response = await client.get("/api/v1/regions?parent=" + "9" * 30)
    assert response.status_code == 400
    assert error_code(response) == "request.invalid_parameter"
    assert response.json()["error"]["details"]["field"] == "parent"


async def test_unexpected_failure_is_a_localized_500_without_internals(client, monkeypatch):
    async def explode(*_args, **_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(regions, "list_children", explode)
    response = await client.get("/api/v1/regions", headers={"Accept-Language": "zh-TW"})
    assert response.status_code == 500
    assert error_code(response) == "internal"
    assert "secret" not in response.text
    assert response.json()["error"]["message"] == "服務器出了點問題，請稍後再試。"


async def test_health_answers_with_the_database_state(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_openapi_schema_is_served(client):
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/api/v1/auth/login" in schema["paths"]
    assert schema["paths"]["/api/v1/auth/otp"]["post"]["operationId"] == "SendLoginCode"
