"""Agenda errors, each a kind of domain error so that every face knows its status."""

from __future__ import annotations

from domain.shared.errors import Forbidden, InvalidInput


class EventInvalid(InvalidInput):
    """Field errors of an event: `details` maps each field (the command's names) to its messages."""


class NotInvited(Forbidden):
    def __init__(self) -> None:
        super().__init__("Vous n'êtes pas invité à cet événement")
