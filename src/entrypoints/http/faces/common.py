"""What every face builds the same way: an app with its own OpenAPI document and error envelope."""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import msgspec
from dishka.integrations.litestar import DishkaRouter
from litestar import Litestar, Request, Response
from litestar.config.response_cache import ResponseCacheConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from entrypoints.http.errors import ErrorInfo, FaceErrorPolicy, describe
from entrypoints.http.openapi import BEARER, finish_document
from entrypoints.http.request_bodies import StrictBodyRequest
from entrypoints.settings import MAX_REQUEST_BODY_BYTES

Renderer = Callable[[ErrorInfo], Any]
# Swagger UI's files, from the swagger-ui-py package: the docs render without reaching any CDN.
SWAGGER_UI = Path(str(importlib.resources.files("swagger_ui") / "static"))
ErrorHandler = Callable[[Request[Any, Any, Any], Exception], Response[Any]]


def error_handler(render: Renderer, policy: FaceErrorPolicy) -> ErrorHandler:
    """Any exception, rendered in one face's envelope."""

    def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        info = describe(exc, policy)
        return Response(render(info), status_code=info.status, headers=info.headers or None)

    return handle


def build_face(*, title: str, prefix: str, handlers: Sequence[ControllerRouterHandler], render: Renderer,
               envelope: type[msgspec.Struct], policy: FaceErrorPolicy, description: str = "") -> Litestar:
    """`envelope` is the shape `render` gives every error: the document shows it on each error status."""
    base = "" if prefix == "/" else prefix
    app = Litestar(
        route_handlers=[DishkaRouter(path=base or "/", route_handlers=list(handlers)), swagger_ui_files(base)],
        exception_handlers={Exception: error_handler(render, policy)},
        request_class=StrictBodyRequest,
        openapi_config=OpenAPIConfig(
            title=title, version="1.0.0", description=description, path=f"{base}/schema",
            render_plugins=[swagger_ui(base)],  # at <prefix>/schema and <prefix>/schema/swagger
            components=Components(security_schemes={
                BEARER: SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}),
            security=[{BEARER: []}],
        ),
        response_cache_config=ResponseCacheConfig(),
        request_max_body_size=MAX_REQUEST_BODY_BYTES,
        debug=False,
        logging_config=None,  # the process configures logging (entrypoints/logs.py)
    )
    finish_document(app, envelope, policy)
    return app


def swagger_ui(base: str) -> SwaggerRenderPlugin:
    assets = f"{base}/schema/assets"
    return SwaggerRenderPlugin(
        path="/swagger", js_url=f"{assets}/swagger-ui-bundle.js", css_url=f"{assets}/swagger-ui.css",
        standalone_preset_js_url=f"{assets}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{assets}/favicon-32x32.png'>")


def swagger_ui_files(base: str) -> ControllerRouterHandler:
    return create_static_files_router(path=f"{base}/schema/assets", directories=[SWAGGER_UI],
                                      include_in_schema=False)
