"""What ``/schema/openapi.json`` says beyond Litestar's defaults, so that clients
(and the fuzzer, ``tests/fuzz``) can trust it:

- a request struct declared with ``forbid_unknown_fields`` has
  ``additionalProperties: false``, because an unknown field answers 400;
- every API operation documents the errors any request may meet, in the one
  error shape (``backend.lib.errors``), instead of Litestar's own
  ``{status_code, detail}`` which the app never sends;
- every bound the server enforces on a request value is on the value's own schema
  (``backend.lib.schema_bounds``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec
from litestar import Litestar

# Litestar exports no struct schema plugin to extend; the version is pinned (pyproject.toml).
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import JsonRenderPlugin

from backend.lib.errors import ErrorBody
from backend.lib.schema_bounds import bound_from_type

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.openapi.spec import Schema
    from litestar.typing import FieldDefinition


class StrictStructSchemaPlugin(StructSchemaPlugin):
    """Litestar's struct schemas, closed when the struct refuses unknown fields, with
    each field's msgspec bounds on the field's own schema (list items included)."""

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: SchemaCreator) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        info = msgspec.inspect.type_info(field_definition.type_)
        if isinstance(info, msgspec.inspect.StructType):
            if info.forbid_unknown_fields:
                schema.additional_properties = False
            properties = schema.properties or {}
            for field in info.fields:
                if field.encode_name in properties:
                    bound_from_type(properties[field.encode_name], field.type)
        return schema


class SchemaFileOnly(JsonRenderPlugin):
    """``/schema/openapi.json``, and no page at all: not even the schema again at ``/schema``.

    Litestar mounts its first render plugin at the root of ``/schema`` too, unless the
    plugin says it has that path; this one says so, and serves only the file.
    """

    def has_path(self, path: str) -> bool:
        return path == "/" or super().has_path(path)


#: What any API request may be answered with besides its success (DESIGN.md, "HTTP API").
ERRORS = {
    400: "The request or one of its values is not acceptable (`details.field` names it).",
    401: "Not signed in, or the token has expired.",
    403: "The caller's role may not do this.",
    404: "No such object, or not one the caller may see.",
    408: "The request body arrived too slowly.",
    409: "The object's state does not allow this now.",
    413: "The request body is too large.",
    415: "The body's content type is not one this operation takes.",
    422: "An Idempotency-Key was reused with a different body, or a photo cannot be read.",
    429: "Too many attempts; `details.retry_after` says how many seconds to wait.",
    500: "Something failed on the server (it is logged); try again later.",
}


def document_errors(app: Litestar, prefix: str = "/api/") -> None:
    """Document the error answers on every operation under ``prefix``.

    Handlers keep any response they declare themselves. Called once in ``create_app``;
    Litestar builds the schema on the first request for it.
    """
    specs = {
        status: ResponseSpec(data_container=ErrorBody, description=text, generate_examples=False)
        for status, text in ERRORS.items()
    }
    for route in app.routes:
        if not route.path.startswith(prefix):
            continue
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler):
                handler.responses = {**specs, **(handler.responses or {})}
