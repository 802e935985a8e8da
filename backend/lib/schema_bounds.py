"""Every bound the server enforces on a request value, shown in the OpenAPI document on
the value's own schema, so that a client, the fuzzer and the OWASP lint in
``make check`` see what the server refuses.

Litestar writes the bounds of an optional value (``int | None`` with
``Parameter(le=…)``, or a struct field ``Annotated[str, Meta(max_length=50)] | None``)
beside its ``oneOf`` instead of on the ``string`` or ``integer`` inside it, drops a bound
of 0 (it tests bounds for truth), and leaves out the bounds of list items. Here:

- struct fields take their bounds from msgspec itself (``bound_from_type``, called by
  ``backend.lib.openapi.StrictStructSchemaPlugin``): exactly what decoding enforces;
- parameters get theirs moved onto the value (``BoundedOperation``);
- a date is at most 10 characters (``YYYY-MM-DD`` is all msgspec reads), a bounded
  integer says whether it fits in 32 bits, and an uploaded file is at most the request
  body limit (``UploadSizeSchemaPlugin``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import msgspec
from litestar.datastructures import UploadFile
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import OpenAPIFormat, OpenAPIType, Operation, Parameter, Schema
from litestar.plugins import OpenAPISchemaPlugin

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.openapi.spec import Reference
    from litestar.typing import FieldDefinition

mi = msgspec.inspect

#: A date is sent as ``YYYY-MM-DD``; msgspec reads nothing else, so nothing longer passes.
DATE_LENGTH = 10
_INT32 = range(-(2**31), 2**31)
#: Schema keywords that bound a value, as ``Schema`` attributes.
_BOUNDS = (
    "min_length",
    "max_length",
    "pattern",
    "minimum",
    "exclusive_minimum",
    "maximum",
    "exclusive_maximum",
    "min_items",
    "max_items",
)


def bound_from_type(schema: Schema | Reference, info: msgspec.inspect.Type) -> None:
    """Put the bounds msgspec enforces for ``info`` on ``schema`` (and on its items)."""
    if not isinstance(schema, Schema):
        return  # a struct: its own component carries its fields' bounds
    if isinstance(info, mi.Metadata):
        info = info.type
    if isinstance(info, mi.UnionType):
        members = [member for member in info.types if not isinstance(member, mi.NoneType)]
        if len(members) != 1:
            return
        info = members[0]
    # ``T | None`` (and ``T | UnsetType``) is a ``oneOf`` around the value's own schema.
    branches = _typed_branches(schema)
    if schema.type is None and len(branches) == 1:
        _move_bounds(schema, branches[0])
        schema = branches[0]
    if isinstance(info, mi.StrType):
        _put(schema, min_length=info.min_length, max_length=info.max_length, pattern=info.pattern)
    elif isinstance(info, mi.IntType | mi.FloatType):
        _put(schema, minimum=info.ge, exclusive_minimum=info.gt, maximum=info.le, exclusive_maximum=info.lt)
    elif isinstance(info, mi.ListType | mi.SetType | mi.FrozenSetType | mi.VarTupleType):
        _put(schema, min_items=info.min_length, max_items=info.max_length)
        if schema.items is not None:
            bound_from_type(schema.items, info.item_type)
    elif isinstance(info, mi.DateType):
        _put(schema, max_length=DATE_LENGTH)


@dataclass
class BoundedOperation(Operation):
    """An operation whose optional parameters carry their bounds on the value's schema."""

    def __post_init__(self) -> None:
        for parameter in self.parameters or ():
            if isinstance(parameter, Parameter) and isinstance(parameter.schema, Schema):
                branches = _typed_branches(parameter.schema)
                if len(branches) == 1:
                    _move_bounds(parameter.schema, branches[0])
                for value in branches or [parameter.schema]:
                    if value.format == OpenAPIFormat.DATE and value.max_length is None:
                        value.max_length = DATE_LENGTH
                    _put(value)
        # A handler's own operation class (catalog's spreadsheet export) does its part too.
        if (after := getattr(super(), "__post_init__", None)) is not None:
            after()


def show_parameter_bounds(app: Litestar, prefix: str = "/api/") -> None:
    """Make every operation under ``prefix`` a ``BoundedOperation``; once, in ``create_app``."""
    for route in app.routes:
        if route.path.startswith(prefix):
            for handler in getattr(route, "route_handlers", []):
                if isinstance(handler, HTTPRouteHandler):
                    handler.operation_class = _bounded(handler.operation_class)


def _bounded(operation_class: type[Operation]) -> type[Operation]:
    """``operation_class`` that also shows its parameters' bounds."""
    if issubclass(operation_class, BoundedOperation):
        return operation_class
    if operation_class is Operation:
        return BoundedOperation
    return dataclass(type(f"Bounded{operation_class.__name__}", (BoundedOperation, operation_class), {}))


class UploadSizeSchemaPlugin(OpenAPISchemaPlugin):
    """An uploaded file in a multipart form is at most the request body limit
    (``BIANMIN_MAX_BODY_BYTES``, 413 past it), and the schema says so."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        # ``data: UploadFile`` on a handler is a whole body Litestar describes itself.
        return field_definition.is_subclass_of(UploadFile) and field_definition.name != "data"

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: SchemaCreator) -> Schema:
        return Schema(
            type=OpenAPIType.STRING,
            format=OpenAPIFormat.BINARY,
            content_media_type="application/octet-stream",
            max_length=self.max_bytes,
        )


def _typed_branches(schema: Schema) -> list[Schema]:
    """The ``oneOf`` members of ``schema`` other than ``null``: ``[string]`` for ``str | None``."""
    return [branch for branch in schema.one_of or () if isinstance(branch, Schema) and branch.type != OpenAPIType.NULL]


def _move_bounds(wrapper: Schema, value: Schema) -> None:
    for name in _BOUNDS:
        if (bound := getattr(wrapper, name)) is not None:
            if getattr(value, name) is None:
                setattr(value, name, bound)
            setattr(wrapper, name, None)


def _put(schema: Schema, **bounds: Any) -> None:
    """Set each bound that is given (0 included), and name a bounded integer's width."""
    for name, value in bounds.items():
        if value is not None:
            setattr(schema, name, value)
    if schema.type == OpenAPIType.INTEGER:
        low = schema.minimum if schema.minimum is not None else schema.exclusive_minimum
        high = schema.maximum if schema.maximum is not None else schema.exclusive_maximum
        if low is not None and high is not None:
            width = "int32" if int(low) in _INT32 and int(high) in _INT32 else "int64"
            schema.format = cast("OpenAPIFormat", width)  # OpenAPI's integer formats; Litestar's enum has none
