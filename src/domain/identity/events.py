"""Identity facts other contexts may react to."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UserRegistered:
    user_id: int
    realm: str
    email: str
