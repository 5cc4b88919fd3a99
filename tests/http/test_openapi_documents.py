"""What each face's OpenAPI document says, and its docs UI, served with its assets from the process."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import httpx
import pytest

PREFIXES = {"spotvibe": "/", "mairie": "/mairie", "eebc": "/eebc"}


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
