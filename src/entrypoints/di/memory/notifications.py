"""Notifications in memory: the repositories and identity's accounts over the MemoryStore, the live feed straight
to the process's hub, and push and SMS channels that keep what they send (tests script their answers)."""

from __future__ import annotations

from dishka import AnyOf, Provider, Scope, provide

from adapters.live.hub import InProcessLiveFeed
from adapters.memory import notifications as memory
from application.notifications.channels import PushChannels, SmsChannel
from application.notifications.ports import (
    BulkSendRepository,
    DeliveryRepository,
    DeviceRepository,
    Directory,
    LiveFeed,
    NotificationRepository,
    PreferenceRepository,
)


class NotificationsMemory(Provider):
    scope = Scope.REQUEST

    notifications = provide(memory.MemoryNotificationRepository, provides=NotificationRepository)
    preferences = provide(memory.MemoryPreferenceRepository, provides=PreferenceRepository)
    devices = provide(memory.MemoryDeviceRepository, provides=DeviceRepository)
    deliveries = provide(memory.MemoryDeliveryRepository, provides=DeliveryRepository)
    bulks = provide(memory.MemoryBulkSendRepository, provides=BulkSendRepository)
    directory = provide(memory.MemoryDirectory, provides=Directory)
    live = provide(InProcessLiveFeed, scope=Scope.APP, provides=LiveFeed)

    @provide(scope=Scope.APP)
    def push(self) -> PushChannels:
        expo = memory.RecordingPushSender("expo")
        return PushChannels(fcm=memory.RecordingPushSender("fcm"), expo=expo, expo_receipts=expo)

    sms = provide(memory.RecordingSmsChannel, scope=Scope.APP, provides=AnyOf[memory.RecordingSmsChannel, SmsChannel])
