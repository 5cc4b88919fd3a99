"""The realms: one per face. An account lives in exactly one; a token is valid in one."""

from __future__ import annotations

from enum import StrEnum


class Realm(StrEnum):
    SPOTVIBE = "spotvibe"
    MAIRIE = "mairie"
    EEBC = "eebc"
