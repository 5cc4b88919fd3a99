"""The ways a church event refuses a change."""

from __future__ import annotations

from domain.shared.errors import InvalidInput, NotFound, StateConflict

EVENT_NOT_FOUND = "Événement introuvable"


class EventNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(EVENT_NOT_FOUND)


class EventInvalid(InvalidInput):
    """Some fields are wrong; `details` names them."""


class AlreadyRegistered(StateConflict):
    def __init__(self) -> None:
        super().__init__("Vous êtes déjà inscrit à cet événement")


class NotRegistered(NotFound):
    def __init__(self) -> None:
        super().__init__("Vous n'êtes pas inscrit à cet événement")


class EventCancelledError(StateConflict):
    def __init__(self) -> None:
        super().__init__("Cet événement est annulé")


class EventOver(StateConflict):
    def __init__(self) -> None:
        super().__init__("Cet événement est terminé")


class HasRegistrations(StateConflict):
    def __init__(self, count: int) -> None:
        super().__init__(f"Cet événement a {count} inscription(s) : annulez-le plutôt que de le supprimer")
