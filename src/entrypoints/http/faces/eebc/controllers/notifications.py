"""/api/v1/notifications/: the caller's push devices (register, unregister) and the live stream."""

from __future__ import annotations

from dishka.integrations.litestar import FromDishka
from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.response import ServerSentEvent
from litestar.status_codes import HTTP_200_OK

from adapters.live.hub import LiveHub
from application.identity.services import Principal
from application.notifications.devices import RegisterDevice, RegisterDeviceCommand, UnregisterDevice
from domain.identity.model import Realm
from domain.shared.errors import InvalidInput
from entrypoints.http.auth import principal_dependency
from entrypoints.http.faces.eebc import notification_schemas as wire
from entrypoints.http.live import notification_stream
from entrypoints.http.openapi import may_raise
from entrypoints.http.wire import wire_names

REALM = Realm.EEBC
AUTHENTICATED = {"principal": principal_dependency(REALM)}


class NotificationsController(Controller):
    path = "/api/v1/notifications"
    tags = ("notifications",)
    dependencies = AUTHENTICATED

    @post("/register/", status_code=HTTP_200_OK, opt=may_raise(InvalidInput))
    async def register(self, data: JSONBody[wire.RegisterBody], principal: NamedDependency[Principal],
                       use_case: FromDishka[RegisterDevice]) -> wire.Registered:
        """Expo tokens go through Expo, any other token through FCM. Registering it again is harmless."""
        with wire_names(wire.DEVICE_FIELDS):
            await use_case(principal.actor, RegisterDeviceCommand(data.token, data.platform, data.device_name))
        return wire.Registered(message="Appareil enregistré")

    @delete("/register/", status_code=HTTP_200_OK, opt=may_raise(InvalidInput))
    async def unregister(self, data: JSONBody[wire.UnregisterBody], principal: NamedDependency[Principal],
                         use_case: FromDishka[UnregisterDevice]) -> wire.Registered:
        """No more pushes to this device for this account; answers the same when it was not registered."""
        await use_case(principal.actor, data.token)
        return wire.Registered(message="Appareil désenregistré")

    @get("/stream/", media_type="text/event-stream")
    async def stream(self, principal: NamedDependency[Principal], hub: FromDishka[LiveHub]) -> ServerSentEvent:
        """Server-sent events: `event: notification` with data {"id": <n>} for each new notification, a comment
        every 15 s; open as long as the client stays."""
        return notification_stream(hub, principal.actor.user_id, int)
