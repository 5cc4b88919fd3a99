"""/api/v1/notifications/: the caller's inbox (spec 9), marking read, and the live stream."""

from __future__ import annotations

from typing import Annotated

from dishka.integrations.litestar import FromDishka
from litestar import Controller, get, put
from litestar.di import NamedDependency
from litestar.params import FromQuery, Parameter
from litestar.response import ServerSentEvent
from litestar.status_codes import HTTP_200_OK

from adapters.live.hub import LiveHub
from application.identity.services import Principal
from application.notifications.inbox import Inbox, MarkOneRead, MarkRead
from domain.identity.model import Realm
from domain.shared.errors import InvalidInput, NotFound
from entrypoints.http.auth import principal_dependency
from entrypoints.http.faces.mairie import notification_schemas as wire
from entrypoints.http.live import notification_stream
from entrypoints.http.openapi import may_raise
from entrypoints.http.params import Page

REALM = Realm.MAIRIE
AUTHENTICATED = {"principal": principal_dependency(REALM)}
NOT_FOUND = "Notification non trouvée"
WireNotificationId = Annotated[str, Parameter(max_length=40, description='"notif_12" (or 12)')]


class NotificationsController(Controller):
    path = "/api/v1/notifications"
    tags = ("notifications",)
    dependencies = AUTHENTICATED

    @get("/", opt=may_raise(InvalidInput))
    async def list_notifications(self, principal: NamedDependency[Principal], inbox: FromDishka[Inbox],
                                 page: Page = 1, is_read: FromQuery[bool | None] = None) -> wire.NotificationPage:
        """Newest first, 20 per page; `count` is with the filter, `unread_count` of the whole inbox."""
        found = await inbox.page(principal.actor, is_read=is_read, page=page)
        return wire.NotificationPage(count=found.total, unread_count=found.unread,
                                     results=[wire.item(n) for n in found.items])

    @put("/read-all/", status_code=HTTP_200_OK)
    async def read_all(self, principal: NamedDependency[Principal], use_case: FromDishka[MarkRead]) -> wire.AllRead:
        changed = await use_case(principal.actor, None)
        return wire.AllRead(message="Toutes les notifications marquées comme lues", updated_count=changed)

    @put("/{notification_id:str}/read/", status_code=HTTP_200_OK, opt=may_raise(NotFound))
    async def read(self, notification_id: WireNotificationId, principal: NamedDependency[Principal],
                   use_case: FromDishka[MarkOneRead]) -> wire.ReadState:
        stored = wire.notification_id(notification_id)
        if stored is None:
            raise NotFound(NOT_FOUND)
        return wire.ReadState(is_read=(await use_case(principal.actor, stored)).is_read)

    @get("/stream/", media_type="text/event-stream")
    async def stream(self, principal: NamedDependency[Principal], hub: FromDishka[LiveHub]) -> ServerSentEvent:
        """Server-sent events: `event: notification` with data {"id": "notif_<n>"} for each new notification,
        a comment every 15 s; open as long as the client stays."""
        return notification_stream(hub, principal.actor.user_id, wire.wire_id)
