"""Event errors, each a kind of domain error so that every face knows its status."""

from __future__ import annotations

from domain.shared.errors import Conflict, InvalidInput, StateConflict


class EventInvalid(InvalidInput):
    """Field errors of an event's details: `details` maps each field (the command's names) to its messages."""


class InvalidEventTransition(Conflict):
    def __init__(self, status: str, step: str) -> None:
        super().__init__(f"Événement au statut {status} : {step} impossible")
        self.status = status
        self.step = step


class EventStarted(Conflict):
    def __init__(self) -> None:
        super().__init__("L'événement a commencé : il ne peut plus être modifié")


class TicketsSold(StateConflict):
    def __init__(self, count: int) -> None:
        super().__init__(f"{count} billet(s) vendu(s) : annulez l'événement au lieu de le supprimer",
                         details={"tickets_sold": [str(count)]})
        self.count = count


class CreationLimitReached(InvalidInput):
    def __init__(self, limit: int) -> None:
        message = (f"Limite atteinte : {limit} événement(s) pour un compte non vérifié ; "
                   "faites vérifier votre identité ou souscrivez une offre")
        super().__init__(message)
        self.limit = limit


class AlreadyParticipating(Conflict):
    def __init__(self) -> None:
        super().__init__("Vous êtes déjà inscrit à cet événement avec ce statut")


class NotParticipating(InvalidInput):
    def __init__(self) -> None:
        super().__init__("Vous ne participez pas à cet événement")
