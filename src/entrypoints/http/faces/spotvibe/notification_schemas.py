"""SpotVibe's notification bodies and answers (spec 7; where it is silent, docs/notifications.md "On the wire")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from application.notifications.preferences import PreferenceView
from domain.notifications.bulk import BulkSend
from domain.notifications.model import Kind, Notification, PushDevice
from entrypoints.http.faces.spotvibe.event_schemas import WireId

PREFERENCE_FIELDS = {"kind": "type_notification", "channel": "canal", "active": "actif", "frequency": "frequence"}
DEVICE_FIELDS = {"token": "token", "platform": "plateforme", "device_name": "nom_appareil"}
BULK_FIELDS = {"template_id": "template_id", "target_users": "target_users", "additional_data": "additional_data"}
Code = Annotated[str, msgspec.Meta(max_length=40)]
Token = Annotated[str, msgspec.Meta(max_length=4096)]
Name = Annotated[str, msgspec.Meta(max_length=1000)]
TemplateId = Annotated[int, msgspec.Meta(ge=-(2**31), le=2**31)]  # the use case says which exist


class NotificationOut(msgspec.Struct):
    id: int
    titre: str
    message: str
    type_notification: str
    statut: str
    date_creation: datetime
    is_read: bool


class NotificationDetail(msgspec.Struct):
    id: int
    titre: str
    message: str
    type_notification: str
    statut: str
    date_creation: datetime
    is_read: bool
    date_lecture: datetime | None
    lien_action: str | None
    donnees_supplementaires: dict[str, Any]


def item(n: Notification) -> NotificationOut:
    assert n.id is not None
    return NotificationOut(id=n.id, titre=n.title, message=n.message, type_notification=n.kind,
                           statut=n.status.value, date_creation=n.created_at, is_read=n.is_read)


def detail(n: Notification) -> NotificationDetail:
    assert n.id is not None
    return NotificationDetail(
        id=n.id, titre=n.title, message=n.message, type_notification=n.kind, statut=n.status.value,
        date_creation=n.created_at, is_read=n.is_read, date_lecture=n.read_at, lien_action=n.action_link,
        donnees_supplementaires=n.data)


class MarkReadBody(msgspec.Struct):
    notification_ids: Annotated[list[WireId], msgspec.Meta(max_length=1000)]


class Message(msgspec.Struct):
    message: str


class Stats(msgspec.Struct):
    total_notifications: int
    read_notifications: int
    unread_notifications: int


class UnreadCount(msgspec.Struct):
    unread_count: int


class PreferenceOut(msgspec.Struct):
    type_notification: str
    canal: str
    actif: bool
    frequence: str


def preference(view: PreferenceView) -> PreferenceOut:
    return PreferenceOut(type_notification=view.kind, canal=view.channel.value, actif=view.active,
                         frequence=view.frequency.value)


class PreferenceBody(msgspec.Struct):
    type_notification: Code
    canal: Code
    actif: bool = True
    frequence: Code = "IMMEDIATE"


class TemplateOut(msgspec.Struct):
    id: int
    type_notification: str
    nom: str
    canaux_actifs: list[str]


def template(kind: Kind) -> TemplateOut:
    return TemplateOut(id=kind.template_id, type_notification=kind.code, nom=kind.name,
                       canaux_actifs=sorted(channel.value for channel in kind.channels))


class PushTokenOut(msgspec.Struct):
    id: int
    token: str
    plateforme: str | None
    nom_appareil: str


def push_token(device: PushDevice) -> PushTokenOut:
    assert device.id is not None
    return PushTokenOut(id=device.id, token=device.token,
                        plateforme=None if device.platform is None else device.platform.value,
                        nom_appareil=device.device_name)


class PushTokenBody(msgspec.Struct):
    token: Token
    plateforme: Code | None = None
    nom_appareil: Name = ""


class BulkSendBody(msgspec.Struct):
    template_id: TemplateId
    target_users: Annotated[list[WireId], msgspec.Meta(max_length=200_000)]
    additional_data: dict[str, Any] = msgspec.field(default_factory=dict)


class BulkStarted(msgspec.Struct):
    message: str
    job_id: UUID
    progress_url: str


class BulkProgress(msgspec.Struct):
    job_id: UUID
    statut: str  # EN_COURS, TERMINE
    destinataires: int
    traites: int
    progression: float  # percent, 0 to 100


def progress(bulk: BulkSend) -> BulkProgress:
    return BulkProgress(job_id=bulk.id, statut="TERMINE" if bulk.done else "EN_COURS",
                        destinataires=bulk.recipients, traites=min(bulk.processed, bulk.recipients),
                        progression=round(bulk.progress * 100, 1))
