"""The notifications context: configuration, the template renderer and the live hub (APP), repositories, the
directory of identity's accounts and the live feed on SQL (REQUEST), the dispatcher and the use cases (REQUEST).
The push and SMS channels come from entrypoints/di/push.py."""

from __future__ import annotations

from dishka import Provider, Scope, provide, provide_all

from adapters.live.hub import LiveHub
from adapters.sql.identity.directory import SqlDirectory
from adapters.sql.notifications import repositories as sql
from adapters.sql.notifications.live import SqlLiveFeed
from adapters.templates.jinja import JinjaRenderer
from application.identity.config import APP_NAMES
from application.notifications import bulk, devices, inbox, preferences, sending
from application.notifications.channels import ExpoReceipts, PushChannels
from application.notifications.config import NotificationsConfig
from application.notifications.dispatch import Dispatcher
from application.notifications.ports import (
    BulkSendRepository,
    DeliveryRepository,
    DeviceRepository,
    Directory,
    LiveFeed,
    NotificationRepository,
    PreferenceRepository,
    TemplateRenderer,
)


class NotificationsAdapters(Provider):
    scope = Scope.APP

    @provide
    def config(self) -> NotificationsConfig:
        return NotificationsConfig(app_names=dict(APP_NAMES))

    @provide
    def renderer(self) -> TemplateRenderer:
        return JinjaRenderer()

    @provide
    def hub(self) -> LiveHub:
        return LiveHub()

    @provide
    def receipts(self, push: PushChannels) -> ExpoReceipts:
        return push.expo_receipts


class NotificationsPersistence(Provider):
    scope = Scope.REQUEST

    notifications = provide(sql.SqlNotificationRepository, provides=NotificationRepository)
    preferences = provide(sql.SqlPreferenceRepository, provides=PreferenceRepository)
    devices = provide(sql.SqlDeviceRepository, provides=DeviceRepository)
    deliveries = provide(sql.SqlDeliveryRepository, provides=DeliveryRepository)
    bulks = provide(sql.SqlBulkSendRepository, provides=BulkSendRepository)
    directory = provide(SqlDirectory, provides=Directory)
    live = provide(SqlLiveFeed, provides=LiveFeed)


class NotificationsUseCases(Provider):
    scope = Scope.REQUEST

    dispatcher = provide(Dispatcher)
    templates = provide(bulk.Templates, scope=Scope.APP)
    use_cases = provide_all(
        sending.NotifyUsers, sending.SendDueDeliveries, sending.CheckExpoReceipts,
        inbox.Inbox, inbox.MarkRead, inbox.MarkOneRead, inbox.DeleteNotification,
        preferences.Preferences, preferences.SetPreference,
        devices.RegisterDevice, devices.UnregisterDevice, devices.Devices,
        bulk.StartBulkSend, bulk.BulkSendProgress, bulk.SendTestNotification,
    )
