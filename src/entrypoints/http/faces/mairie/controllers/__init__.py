"""Controllers of the Mairie face, mounted in this order."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

CONTROLLERS: list[ControllerRouterHandler] = []
