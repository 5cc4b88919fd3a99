"""Services, roles and assignments. One assignment table: the id a rota shows is the id an answer names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.shared.time import require_aware

SERVICE_LENGTH = timedelta(hours=2)  # how long a service is taken to last, for the conflict warnings
ANSWER_DEADLINE = timedelta(hours=48)  # answers close this long before the service starts


class ServiceType(StrEnum):
    CULTE_DOMINICAL = "culte_dominical"
    CULTE_PRIERE = "culte_priere"
    ETUDE_BIBLIQUE = "etude_biblique"
    CULTE_JEUNESSE = "culte_jeunesse"
    CULTE_SPECIAL = "culte_special"


class AssignmentStatus(StrEnum):
    EN_ATTENTE = "en_attente"
    CONFIRME = "confirme"
    DECLINE = "decline"
    REMPLACE = "remplace"  # declined, and another member took the slot


class Answer(StrEnum):
    CONFIRM = "confirm"
    DECLINE = "decline"


@dataclass
class Role:
    code: str  # "choriste": the wire's `role`
    name: str  # "Choriste": the wire's `role_display`
    id: int | None = None


@dataclass
class Service:
    site_id: int
    starts_at: datetime  # UTC-aware; the wire shows it as the local date and time of the church
    service_type: ServiceType
    theme: str = ""
    is_confirmed: bool = False
    id: int | None = None

    def __post_init__(self) -> None:
        require_aware(self.starts_at)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + SERVICE_LENGTH

    @property
    def answers_close_at(self) -> datetime:
        return self.starts_at - ANSWER_DEADLINE

    def overlaps(self, other: Service) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


@dataclass
class Assignment:
    service_id: int
    role_id: int
    member_id: int
    status: AssignmentStatus = AssignmentStatus.EN_ATTENTE
    decline_reason: str = ""
    answered_at: datetime | None = None
    replaced_by: int | None = None  # the assignment of the member who took the declined slot
    reminded_at: datetime | None = None
    id: int | None = None

    @property
    def open_for_replacement(self) -> bool:
        return self.status is AssignmentStatus.DECLINE and self.replaced_by is None


LOCAL_ZONE = ZoneInfo("America/Cayenne")  # the church's services are given in its local time (UTC-3, no DST)
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def local_when(moment: datetime) -> str:
    """"dimanche 12/01/2026 à 09h30", in the church's time."""
    local = moment.astimezone(LOCAL_ZONE)
    return f"{DAYS[local.weekday()]} {local:%d/%m/%Y} à {local:%Hh%M}"
