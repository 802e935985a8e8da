"""Every value a client sends has a bound, the OpenAPI document shows it, and the
server refuses a value just past it with a 400 (404 for a path id) in the one error
shape, storing nothing.

Generated from the app's own ``/schema/openapi.json``: a new request field or
parameter without a bound fails the first test; one whose bound the server does not
enforce fails the second. Request bodies are walked through ``$ref``, ``oneOf``,
properties and list items; the value sent is one character, one item or one unit past
the bound, alone in its body (msgspec reports it before any missing field).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import hypothesis
import pytest
from hypothesis import strategies as st

from backend.lib.db import all_tables
from backend.lib.structs import MAX_ID
from tests.conftest import DEMO, error_code

#: Tried in this order until one is let past the role guards (401/403 say it was not).
ROLES = ("admin", "staff", "grid_worker", "resident", "anonymous")
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Past:
    """One value just past one bound: where it goes and what the server must answer.

    A parameter goes with the operation's other required parameters and a body that
    decodes (``around``), so that the only thing wrong is the value past its bound.
    """

    method: str
    path: str
    where: str  # body | query | path | header
    name: str  # the field's path (``items.0.name``) or the parameter's name
    value: Any
    expect: int = 400
    around: tuple[dict[str, Any], Any] = ({}, None)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path} {self.where} {self.name}={str(self.value)[:40]!r}"


def _resolve(doc: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _types(schema: dict) -> set[str]:
    kind = schema.get("type")
    return set(kind) if isinstance(kind, list) else {kind} if kind else set()


def _values(doc: dict, schema: dict, here: str) -> Iterator[tuple[str, dict]]:
    """Every typed value schema below ``schema``: (its path, the schema)."""
    schema = _resolve(doc, schema)
    for key in ("oneOf", "anyOf", "allOf"):
        for branch in schema.get(key, ()):
            yield from _values(doc, branch, here)
    kinds = _types(schema) - {"null"}
    if kinds & {"string", "integer", "number", "array"}:
        yield here, schema
    if "array" in kinds and "items" in schema:
        yield from _values(doc, schema["items"], f"{here}.0")
    for name, prop in schema.get("properties", {}).items():
        yield from _values(doc, prop, f"{here}.{name}" if here else name)


def _unbounded(schema: dict) -> str | None:
    """What bound ``schema`` lacks, or None."""
    kinds = _types(schema)
    if "enum" in schema or "const" in schema:
        return None
    if "string" in kinds and "maxLength" not in schema:
        return "maxLength"
    if kinds & {"integer", "number"}:
        if "minimum" not in schema and "exclusiveMinimum" not in schema:
            return "minimum"
        if "maximum" not in schema and "exclusiveMaximum" not in schema:
            return "maximum"
    if "array" in kinds and "maxItems" not in schema:
        return "maxItems"
    return None


def _operations(doc: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def _body_schema(operation: dict) -> tuple[str, dict] | None:
    content = operation.get("requestBody", {}).get("content", {})
    return next(iter(content.items()), None)


def _request_values(doc: dict) -> Iterator[tuple[str, str, str, str, dict]]:
    """(method, path, where, name, schema) for every value of every request."""
    for method, path, operation in _operations(doc):
        for parameter in operation.get("parameters", ()):
            for _, schema in _values(doc, parameter["schema"], ""):
                yield method, path, parameter["in"], parameter["name"], schema
        if body := _body_schema(operation):
            media_type, schema = body
            for name, value in _values(doc, schema["schema"], ""):
                yield method, path, media_type, name, value


def _sample(doc: dict, schema: dict) -> Any:
    """A small value ``schema`` accepts (for the items of a list sent one too long)."""
    schema = _resolve(doc, schema)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return _sample(doc, next(s for s in schema[key] if _types(_resolve(doc, s)) != {"null"}))
    if "enum" in schema:
        return next(value for value in schema["enum"] if value is not None)
    kinds = _types(schema)
    if "integer" in kinds or "number" in kinds:
        return schema.get("minimum", 1)
    if "boolean" in kinds:
        return False
    if "string" in kinds and "pattern" in schema:
        return hypothesis.find(st.from_regex(schema["pattern"], fullmatch=True), lambda _: True)
    if "string" in kinds:
        return "2025-06-02" if schema.get("format") == "date" else "字" * max(1, schema.get("minLength", 1))
    if "array" in kinds:
        return [_sample(doc, schema["items"])] * schema.get("minItems", 0)
    return {name: _sample(doc, schema["properties"][name]) for name in schema.get("required", ())}


def _past(doc: dict, schema: dict) -> list[Any]:
    """Values just past each bound of ``schema``."""
    values: list[Any] = []
    kinds = _types(schema)
    if "enum" in schema and kinds & {"string"}:
        values.append("no-such-value")
    if "string" in kinds and "maxLength" in schema:
        values.append(("9" if "pattern" in schema else "字") * (schema["maxLength"] + 1))
    if kinds & {"integer", "number"}:
        whole = int if "integer" in kinds else float  # Litestar writes some integer bounds as 200.0
        if "minimum" in schema:
            values.append(whole(schema["minimum"]) - 1)
        if "maximum" in schema:
            values.append(whole(schema["maximum"]) + 1)
    if "array" in kinds and "maxItems" in schema:
        values.append([_sample(doc, schema["items"])] * (schema["maxItems"] + 1))
    return values


def _nest(name: str, value: Any) -> Any:
    """``items.0.name`` = value as a JSON body: ``{"items": [{"name": value}]}``."""
    for part in reversed(name.split(".")):
        value = [value] if part.isdigit() else {part: value}
    return value


def _around(doc: dict, method: str, path: str) -> tuple[dict[str, Any], Any]:
    """The operation's required query parameters and a body that decodes, as samples."""
    operation = doc["paths"][path][method]
    query = {
        parameter["name"]: _sample(doc, parameter["schema"])
        for parameter in operation.get("parameters", ())
        if parameter["in"] == "query" and parameter.get("required")
    }
    body = _body_schema(operation)
    return query, _sample(doc, body[1]["schema"]) if body and body[0] == "application/json" else None


def _cases(doc: dict) -> list[Past]:
    cases = []
    for method, path, where, name, schema in _request_values(doc):
        if where == "multipart/form-data":
            continue  # a file: the body limit refuses it (test_hostile_input.py, 413)
        around = _around(doc, method, path) if where in ("query", "header", "path") else ({}, None)
        for value in _past(doc, schema):
            if where == "header" and isinstance(value, str):
                value = "x" * len(value)  # a header is ASCII
            expect = 404 if where == "path" and "integer" in _types(schema) else 400
            cases.append(Past(method, path, "body" if "/" in where else where, name, value, expect, around))
    return cases


async def _send(client, case: Past, headers: dict[str, str]):
    path = "/".join(
        str(case.value)
        if segment == f"{{{case.name}}}" and case.where == "path"
        else "1"
        if "{" in segment
        else segment
        for segment in case.path.split("/")
    )
    query, body = case.around
    kwargs: dict[str, Any] = {
        "params": {**query, case.name: str(case.value)} if case.where == "query" else query,
        "headers": {**headers, **({case.name: str(case.value)} if case.where == "header" else {})},
    }
    if case.where == "body":
        kwargs["json"] = _nest(case.name, case.value)
    elif body is not None:
        kwargs["json"] = body
    return await client.request(case.method.upper(), path, **kwargs)


def _named(case: Past, details: dict) -> bool:
    """Whether the error names the field sent (``items[0].name`` is ``items.0.name``)."""
    field = str(details.get("field", "")).replace("[", ".").replace("]", "")
    # A header is named as the handler's parameter: Idempotency-Key is idempotency_key.
    sent = case.name.lower().replace("-", "_") if case.where == "header" else case.name.lower()
    return case.expect == 404 or field.lower() == sent


async def _counts() -> dict[str, int]:
    return {table._meta.tablename: await table.count() for table in all_tables() if table._meta.tablename}


async def test_every_request_value_has_a_bound_in_the_schema(client):
    doc = (await client.get("/schema/openapi.json")).json()
    values = list(_request_values(doc))
    missing = [
        f"{method.upper()} {path} {where} {name}: no {lack}"
        for method, path, where, name, schema in values
        if (lack := _unbounded(schema))
    ]
    assert len(values) > 200
    assert missing == []


async def test_the_server_refuses_every_value_just_past_its_bound(client, auth):
    doc = (await client.get("/schema/openapi.json")).json()
    headers = {"anonymous": {}} | {role: await auth.role(role) for role in DEMO}
    before = await _counts()
    cases = _cases(doc)
    wrong = []
    for case in cases:
        for role in ROLES:
            response = await _send(client, case, headers[role])
            if response.status_code not in (401, 403):
                break
        code = error_code(response)  # the one error shape, whatever the status
        details = response.json()["error"]["details"]
        if response.status_code != case.expect or not _named(case, details):
            wrong.append(f"{case} as {role}: {response.status_code} {code} {details}")

    assert not wrong, "\n".join(wrong)
    assert len(cases) > 250
    assert await _counts() == before  # nothing stored, not even an audit row


@pytest.mark.parametrize("value", [0, MAX_ID + 1])
async def test_a_path_id_no_object_can_have_is_404(client, auth, value):
    response = await client.get(f"/api/v1/cases/{value}", headers=await auth.role("staff"))
    assert response.status_code == 404
    assert error_code(response) == "not_found"


async def test_a_body_text_too_long_says_how_long_it_may_be(client, auth):
    response = await client.patch("/api/v1/me", json={"name": "字" * 51}, headers=await auth.role("resident"))
    assert response.status_code == 400
    assert error_code(response) == "request.too_long"
    assert response.json()["error"]["details"] == {"field": "name", "max": 50}
    assert response.json()["error"]["message"] == "“name”太长了，最多50个字。"
    me = await client.get("/api/v1/me", headers=await auth.role("resident"))
    assert me.json()["name"] != "字" * 51
