"""Controllers of the EEBC face, mounted in this order."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from entrypoints.http.faces.eebc.controllers.auth import AuthController
from entrypoints.http.faces.eebc.controllers.profile import ProfileController

CONTROLLERS: list[ControllerRouterHandler] = [AuthController, ProfileController]
