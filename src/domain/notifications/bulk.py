"""A notification sent in bulk by an administrator, and how far its fan-out has gone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass
class BulkSend:
    id: UUID
    kind: str
    created_by: int
    recipients: int
    batches: int
    created_at: datetime
    data: dict[str, Any]
    processed: int = 0
    finished_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.processed >= self.recipients

    @property
    def progress(self) -> float:
        return 1.0 if self.recipients == 0 else min(1.0, self.processed / self.recipients)
