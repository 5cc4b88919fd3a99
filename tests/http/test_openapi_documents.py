"""What each face's OpenAPI document says, and its docs UI, served with its assets from the process."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from entrypoints.http.app import openapi_document

PREFIXES = {"spotvibe": "/", "mairie": "/mairie", "eebc": "/eebc"}
CONTRACT = Path(__file__).resolve().parents[2].parent / "shared" / "contract" / "endpoints.tsv"


def document(face: str) -> dict[str, Any]:
    return openapi_document(face, PREFIXES[face])


def operations(face: str) -> dict[str, dict[str, Any]]:
    return {f"{method.upper()} {path}": operation for path, item in document(face)["paths"].items()
            for method, operation in item.items()}


@pytest.mark.parametrize("face", PREFIXES)
def test_documented_paths_are_spelled_as_in_the_contract(face: str) -> None:
    if not CONTRACT.exists():
        pytest.skip(f"no contract at {CONTRACT}")
    prefix = PREFIXES[face].rstrip("/")
    contract = {re.sub(r"\{[^}]*\}", "{}", f"{method} {path}") for row in CONTRACT.read_text().splitlines()[1:]
                for name, method, path in [row.split("\t")] if name == face}
    documented = {re.sub(r"\{[^}]*\}", "{}", label.replace(f" {prefix}/", " /")) for label in operations(face)}
    assert all(label.endswith("/") for label in documented)
    slashless = {label.rstrip("/") for label in contract}
    assert {label for label in documented if label.rstrip("/") in slashless} <= contract


def face_client(face: str) -> httpx.AsyncClient:
    app = importlib.import_module(f"entrypoints.http.faces.{face}.app").create_face(PREFIXES[face])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.mark.parametrize("face", PREFIXES)
@pytest.mark.parametrize("page", ["schema", "schema/swagger"])
async def test_the_docs_load_their_assets_from_the_process(face: str, page: str) -> None:
    """No CDN: every script, style sheet and icon of the page is a path of this server, and it is there."""
    base = PREFIXES[face].rstrip("/")
    kinds = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
    async with face_client(face) as client:
        html = await client.get(f"{base}/{page}")
        assert html.status_code == 200 and "SwaggerUIBundle" in html.text
        assets = re.findall(r"""(?:src|href)=["']([^"']+)""", html.text)
        assert len(assets) == 4, assets
        for url in assets:
            assert url.startswith(f"{base}/schema/assets/"), url
            asset = await client.get(url)
            assert asset.status_code == 200, url
            assert asset.headers["content-type"].startswith(kinds[Path(url).suffix]), url
