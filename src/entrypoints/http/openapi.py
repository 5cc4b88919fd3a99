"""What a face's OpenAPI document says beyond what Litestar infers from the handlers' signatures.

Paths get back the trailing slash Litestar strips: the faces declare every route with one, as the contracts
spell them (Litestar answers both spellings).
"""

from __future__ import annotations

from litestar import Litestar


def finish_document(app: Litestar) -> None:
    """Completes the app's document in place; Litestar keeps and serves it (every route is known by now)."""
    document = app.openapi_schema
    document.paths = {with_slash(path): item for path, item in (document.paths or {}).items()}


def with_slash(path: str) -> str:
    return path if path.endswith("/") else f"{path}/"
