"""EEBC's push device bodies and answers (eebc-api.md "Notifications Push")."""

from __future__ import annotations

from typing import Annotated

import msgspec

DEVICE_FIELDS = {"token": "token", "platform": "platform", "device_name": "device_name"}
Token = Annotated[str, msgspec.Meta(max_length=4096)]


class RegisterBody(msgspec.Struct):
    token: Token  # ExponentPushToken[...] (the Expo app) or an FCM registration token (the other app)
    platform: Annotated[str, msgspec.Meta(max_length=40)] | None = None  # ios, android, web
    device_name: Annotated[str, msgspec.Meta(max_length=1000)] = ""


class UnregisterBody(msgspec.Struct):
    token: Token


class Registered(msgspec.Struct, kw_only=True):
    success: bool = True
    message: str
