"""Controllers of the Mairie face, mounted in this order."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from entrypoints.http.faces.mairie.controllers.auth import AuthController
from entrypoints.http.faces.mairie.controllers.settings import SecuritySettingsController

CONTROLLERS: list[ControllerRouterHandler] = [AuthController, SecuritySettingsController]
