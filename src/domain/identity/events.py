"""Identity facts other contexts may react to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class UserRegistered:
    user_id: int
    realm: str
    email: str


@dataclass(frozen=True)
class PasswordChanged:
    user_id: int
    realm: str
    changed_at: datetime
