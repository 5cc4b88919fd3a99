"""What a face's OpenAPI document says beyond what Litestar infers from the handlers' signatures.

Every error status an operation can answer is documented with the face's own envelope: the statuses its shape
implies (a body or a query: 400 and the face's validation status; a body: 413, 415; a path parameter: 404; a
bearer token: 401) plus those its use case may raise, declared on the route with `opt=may_raise(...)` in the core's
terms (a Conflict is 409 on Mairie and 400 elsewhere). Operations that need no token say `security: []`; bodies
a handler reads itself (JSON or multipart, see uploads.py) are declared with `opt=reads_body(...)`. Paths get
back the trailing slash Litestar strips: the faces declare every route with one, as the contracts spell them
(Litestar answers both spellings).
"""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus
from typing import Any, cast

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    Reference,
    RequestBody,
    Schema,
)
from litestar.routes import HTTPRoute

from domain.shared.errors import DomainError
from entrypoints.http.errors import FaceErrorPolicy, statuses_of

REF = "#/components/schemas/{name}"
MAY_RAISE = "may_raise"
READS_BODY = "reads_body"
JSON = "application/json"
MULTIPART = "multipart/form-data"
BEARER = "BearerToken"
OPTIONAL_BEARER: list[dict[str, list[str]]] = [{}, {BEARER: []}]  # works anonymous; a given token must be valid
RETRY_AFTER: dict[str, OpenAPIHeader | Reference] = {
    "Retry-After": OpenAPIHeader(schema=Schema(type=OpenAPIType.INTEGER), description="seconds")}


def may_raise(*kinds: type[DomainError]) -> dict[str, Any]:
    """Route opt: the kinds of domain error its use case may raise, documented with the face's statuses."""
    return {MAY_RAISE: kinds}


def reads_body(shape: type[msgspec.Struct], *, files: tuple[str, ...] = (), json: bool = True) -> dict[str, Any]:
    """Route opt: the handler reads its body itself, as JSON or (with files) as multipart/form-data too; with
    `json=False`, only as multipart/form-data (a file upload such as a CSV import)."""
    return {READS_BODY: (shape, files, json)}


def finish_document(app: Litestar, envelope: type[msgspec.Struct], policy: FaceErrorPolicy) -> None:
    """Completes the app's document in place; Litestar keeps and serves it (every route is known by now)."""
    document = app.openapi_schema
    error, _ = add_component(document, envelope)
    for handler, operation in operations(app, document):
        if READS_BODY in handler.opt:
            operation.request_body = body_read_by_hand(document, *handler.opt[READS_BODY])
        if is_public(handler):
            operation.security = []  # else Litestar leaves it out and the document's BearerToken applies
        responses = {code: response for code, response in (operation.responses or {}).items()
                     if not code.startswith("4")}  # Litestar's 400 shows its own shape, which no face sends
        for status in sorted(error_statuses(handler, operation, policy)):
            responses[str(status)] = OpenAPIResponse(
                description=HTTPStatus(status).phrase, content={JSON: OpenAPIMediaType(schema=error)},
                headers=RETRY_AFTER if status in (429, 503) else None)
        operation.responses = responses
    document.paths = {with_slash(path): item for path, item in (document.paths or {}).items()}


def operations(app: Litestar, document: OpenAPI) -> Iterator[tuple[HTTPRouteHandler, Operation]]:
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or (item := (document.paths or {}).get(route.path_format)) is None:
            continue
        for method, (handler, _) in route.route_handler_map.items():
            if (operation := getattr(item, method.lower(), None)) is not None:
                yield handler, operation


def error_statuses(handler: HTTPRouteHandler, operation: Operation, policy: FaceErrorPolicy) -> set[int]:
    statuses: set[int] = set()
    places = {p.param_in for p in operation.parameters or [] if isinstance(p, Parameter)}
    if operation.request_body is not None or places - {"path"}:
        statuses |= {400, policy.validation_status}
    if operation.request_body is not None:
        statuses |= {413, 415}
    if "path" in places:
        statuses.add(404)  # also for a value out of its bounds: no such thing (errors._names_no_resource)
    if not is_public(handler):
        statuses.add(401)
    for kind in handler.opt.get(MAY_RAISE, ()):
        statuses |= statuses_of(kind, policy)
    return statuses


def is_public(handler: HTTPRouteHandler) -> bool:
    """A route that needs no token says `security=[]`; the others inherit the document's BearerToken."""
    return handler.security is not None and not handler.resolve_security()


def add_component(document: OpenAPI, shape: type[msgspec.Struct]) -> tuple[Reference, dict[str, Any]]:
    """msgspec's JSON Schema of the Struct (OpenAPI 3.1 speaks its dialect) joins the components."""
    (reference,), components = msgspec.json.schema_components([shape], ref_template=REF)
    assert document.components is not None
    schemas = cast("dict[str, Any]", document.components.schemas)
    for name, schema in components.items():
        schemas.setdefault(name, schema)
    return Reference(ref=reference["$ref"]), components[shape.__name__]


def body_read_by_hand(document: OpenAPI, shape: type[msgspec.Struct], files: tuple[str, ...],
                      json: bool = True) -> RequestBody:
    reference, schema = add_component(document, shape)
    content = {JSON: OpenAPIMediaType(schema=reference)} if json else {}
    if files:
        binary = {name: {"type": "string", "format": "binary"} for name in files}
        form = {**schema, "properties": {**schema["properties"], **binary}}
        content[MULTIPART] = OpenAPIMediaType(schema=cast("Schema", form))
    return RequestBody(content=content, required=False)


def with_slash(path: str) -> str:
    return path if path.endswith("/") else f"{path}/"
