"""The settings of the notifications context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from domain.notifications.policies import QuietHours
from domain.shared.realm import Realm

# Where each face's people live, for quiet hours and summaries: SpotVibe's in Benin, the town hall in
# metropolitan France, the church in French Guiana.
DEFAULT_ZONES: Mapping[Realm, str] = {
    Realm.SPOTVIBE: "Africa/Porto-Novo", Realm.MAIRIE: "Europe/Paris", Realm.EEBC: "America/Cayenne"}


@dataclass(frozen=True)
class NotificationsConfig:
    app_names: Mapping[Realm, str]
    zones: Mapping[Realm, str] = field(default_factory=lambda: dict(DEFAULT_ZONES))
    quiet_hours: QuietHours = field(default_factory=QuietHours)
    batch_size: int = 1000  # recipients per fan-out job
    due_batch: int = 500  # deliveries per run of the due sender
    # How long a sender owns the deliveries it took: past it (a crash), the due sender takes them again.
    lease: timedelta = timedelta(minutes=5)
    receipts_after: timedelta = timedelta(minutes=15)  # Expo's advice: check receipts 15 minutes later
    page_size: int = 20
    max_page_size: int = 100

    def zone(self, realm: Realm) -> ZoneInfo:
        return ZoneInfo(self.zones.get(realm, "UTC"))
