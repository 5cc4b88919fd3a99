"""Notifications: inbox, preferences, devices, push/SMS/email deliveries with digests and quiet hours, bulk sends
(docs/notifications.md). It reacts to other contexts' events (entrypoints/contexts/notification_reactions.py)."""

from __future__ import annotations

from adapters.sql.notifications.mapping import map_entities
from application.notifications.sending import CheckExpoReceipts, NotifyUsers, SendDueDeliveries
from application.notifications.topics import CHECK_RECEIPTS, NOTIFY, SEND_DUE
from entrypoints.contexts.base import BoundedContext, Cron
from entrypoints.contexts.notification_reactions import REACTIONS
from entrypoints.di.memory.notifications import NotificationsMemory
from entrypoints.di.notifications import NotificationsAdapters, NotificationsPersistence, NotificationsUseCases
from entrypoints.di.push import PushProvider
from entrypoints.http.faces.eebc.controllers import notifications as eebc_notifications
from entrypoints.http.faces.mairie.controllers import notifications as mairie_notifications
from entrypoints.http.faces.spotvibe.controllers import notifications as spotvibe_notifications

NOTIFICATIONS = BoundedContext(
    name="notifications",
    providers=(PushProvider, NotificationsAdapters, NotificationsPersistence, NotificationsUseCases),
    memory_providers=(NotificationsMemory,),
    map_entities=map_entities,
    reactions=REACTIONS,
    jobs={NOTIFY: NotifyUsers},
    crons=(Cron(SEND_DUE, SendDueDeliveries, "* * * * *"), Cron(CHECK_RECEIPTS, CheckExpoReceipts, "*/5 * * * *")),
    routes={"spotvibe": (spotvibe_notifications.NotificationsController,),
            "mairie": (mairie_notifications.NotificationsController,),
            "eebc": (eebc_notifications.NotificationsController,)},
)
