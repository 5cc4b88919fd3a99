"""/api/notifications/: the caller's inbox, preferences and push tokens, the templates and bulk sends of the
administrators, and the live stream. Who may do what is decided in the use cases."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.response import ServerSentEvent
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from adapters.live.hub import LiveHub
from application.identity.services import Principal
from application.notifications.bulk import BulkSendCommand, BulkSendProgress, SendTestNotification, StartBulkSend
from application.notifications.bulk import Templates as TemplatesQuery
from application.notifications.devices import Devices, RegisterDevice, RegisterDeviceCommand
from application.notifications.inbox import DeleteNotification, Inbox, MarkRead
from application.notifications.preferences import Preferences, SetPreference, SetPreferenceCommand
from domain.shared.errors import Forbidden, InvalidInput, NotFound
from entrypoints.http.faces.spotvibe import notification_schemas as wire
from entrypoints.http.faces.spotvibe.controllers.events import AUTH
from entrypoints.http.live import notification_stream
from entrypoints.http.openapi import may_raise, with_slash
from entrypoints.http.params import Id, Page
from entrypoints.http.wire import wire_names

PROGRESS_ROUTE = "spotvibe_bulk_send_progress"
PageSize = Annotated[int | None, Parameter(ge=1, le=100)]
ALREADY_REGISTERED = "Ce token push est déjà enregistré pour votre compte."


class NotificationsController(Controller):
    path = "/api/notifications"
    tags = ("notifications",)
    dependencies = AUTH

    @get("/", opt=may_raise(InvalidInput))
    async def list_notifications(self, principal: NamedDependency[Principal], inbox: FromDishka[Inbox],
                                 page: Page = 1, page_size: PageSize = None,
                                 is_read: FromQuery[bool | None] = None) -> list[wire.NotificationOut]:
        """Newest first, `page_size` (20 by default, at most 100) per page; `is_read` filters."""
        found = await inbox.page(principal.actor, is_read=is_read, page=page, page_size=page_size)
        return [wire.item(n) for n in found.items]

    @get("/{pk:int}/", opt=may_raise(NotFound))
    async def detail(self, pk: Id, principal: NamedDependency[Principal],
                     inbox: FromDishka[Inbox]) -> wire.NotificationDetail:
        return wire.detail(await inbox.get(principal.actor, pk))

    @post("/mark-read/", status_code=HTTP_200_OK, opt=may_raise(InvalidInput))
    async def mark_read(self, data: JSONBody[wire.MarkReadBody], principal: NamedDependency[Principal],
                        use_case: FromDishka[MarkRead]) -> wire.Message:
        """Ids that are not the caller's are ignored."""
        await use_case(principal.actor, data.notification_ids)
        return wire.Message(message="Notifications marquées comme lues.")

    @post("/mark-all-read/", status_code=HTTP_200_OK)
    async def mark_all_read(self, principal: NamedDependency[Principal],
                            use_case: FromDishka[MarkRead]) -> wire.Message:
        await use_case(principal.actor, None)
        return wire.Message(message="Toutes les notifications ont été marquées comme lues.")

    @get("/stats/")
    async def stats(self, principal: NamedDependency[Principal], inbox: FromDishka[Inbox]) -> wire.Stats:
        counts = await inbox.counts(principal.actor)
        return wire.Stats(total_notifications=counts.total, read_notifications=counts.read,
                          unread_notifications=counts.unread)

    @get("/unread-count/")
    async def unread_count(self, principal: NamedDependency[Principal], inbox: FromDishka[Inbox]) -> wire.UnreadCount:
        return wire.UnreadCount(unread_count=(await inbox.counts(principal.actor)).unread)

    @post("/test/", status_code=HTTP_200_OK)
    async def test(self, principal: NamedDependency[Principal],
                   use_case: FromDishka[SendTestNotification]) -> wire.Message:
        """Queued: the inbox entry and the pushes follow within moments."""
        await use_case(principal.actor)
        return wire.Message(message="Notification de test envoyée.")

    @delete("/{notification_id:int}/delete/", status_code=HTTP_204_NO_CONTENT, opt=may_raise(NotFound))
    async def delete(self, notification_id: Id, principal: NamedDependency[Principal],
                     use_case: FromDishka[DeleteNotification]) -> None:
        await use_case(principal.actor, notification_id)

    @get("/preferences/")
    async def preferences(self, principal: NamedDependency[Principal],
                          query: FromDishka[Preferences]) -> list[wire.PreferenceOut]:
        """Every type × channel it is sent on, with the caller's choice or the default (on, IMMEDIATE)."""
        return [wire.preference(view) for view in await query(principal.actor)]

    @put("/preferences/", status_code=HTTP_200_OK, opt=may_raise(InvalidInput))
    async def set_preference(self, data: JSONBody[wire.PreferenceBody], principal: NamedDependency[Principal],
                             use_case: FromDishka[SetPreference]) -> wire.Message:
        with wire_names(wire.PREFERENCE_FIELDS):
            await use_case(principal.actor, SetPreferenceCommand(data.type_notification, data.canal, data.actif,
                                                                 data.frequence))
        return wire.Message(message="Préférences de notification mises à jour.")

    @get("/templates/", opt=may_raise(Forbidden))
    async def templates(self, principal: NamedDependency[Principal],
                        query: FromDishka[TemplatesQuery]) -> list[wire.TemplateOut]:
        return [wire.template(kind) for kind in query(principal.actor)]

    @get("/push-tokens/")
    async def push_tokens(self, principal: NamedDependency[Principal],
                          query: FromDishka[Devices]) -> list[wire.PushTokenOut]:
        return [wire.push_token(device) for device in await query(principal.actor)]

    @post("/push-tokens/", status_code=HTTP_201_CREATED, opt=may_raise(InvalidInput))
    async def register_push_token(self, data: JSONBody[wire.PushTokenBody], principal: NamedDependency[Principal],
                                  devices: FromDishka[Devices], use_case: FromDishka[RegisterDevice]) -> wire.Message:
        """An Expo token (`ExponentPushToken[...]`) or an FCM registration token; 400 when already registered."""
        if any(device.token == data.token.strip() for device in await devices(principal.actor)):
            raise InvalidInput.on_field("token", ALREADY_REGISTERED)
        with wire_names(wire.DEVICE_FIELDS):
            await use_case(principal.actor, RegisterDeviceCommand(data.token, data.plateforme, data.nom_appareil))
        return wire.Message(message="Token push enregistré avec succès.")

    @post("/bulk-send/", status_code=HTTP_200_OK, opt=may_raise(InvalidInput, Forbidden))
    async def bulk_send(self, request: Request[Any, Any, Any], data: JSONBody[wire.BulkSendBody],
                        principal: NamedDependency[Principal], use_case: FromDishka[StartBulkSend]) -> wire.BulkStarted:
        """Answers at once: the fan-out runs in the worker, its progress at `progress_url`."""
        with wire_names(wire.BULK_FIELDS):
            bulk = await use_case(principal.actor, BulkSendCommand(data.template_id, data.target_users,
                                                                   data.additional_data))
        return wire.BulkStarted(message="Envoi de notifications en masse initié.", job_id=bulk.id,
                                progress_url=with_slash(request.app.route_reverse(PROGRESS_ROUTE, job_id=bulk.id)))

    @get("/bulk-send/{job_id:uuid}/", name=PROGRESS_ROUTE, opt=may_raise(Forbidden, NotFound))
    async def bulk_progress(self, job_id: FromPath[UUID], principal: NamedDependency[Principal],
                            query: FromDishka[BulkSendProgress]) -> wire.BulkProgress:
        return wire.progress(await query(principal.actor, job_id))

    @get("/stream/", media_type="text/event-stream")
    async def stream(self, principal: NamedDependency[Principal], hub: FromDishka[LiveHub]) -> ServerSentEvent:
        """Server-sent events: `event: notification` with data {"id": <id>} for each new notification (then
        GET /api/notifications/{id}/), a comment every 15 s; open as long as the client stays."""
        return notification_stream(hub, principal.actor.user_id, int)

