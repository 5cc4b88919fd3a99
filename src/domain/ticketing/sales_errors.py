"""What can go wrong when selling and scanning tickets."""

from __future__ import annotations

from datetime import datetime

from domain.shared.errors import InvalidInput, StateConflict


class NotOnSale(InvalidInput):
    """The event or ticket type cannot be bought now."""


class TicketInvalid(InvalidInput):
    """A scanned code names no valid ticket of this event: forged, of another event, unpaid, cancelled."""

    def __init__(self, reason: str = "Billet invalide") -> None:
        super().__init__(reason, details={"code": [reason]})


class AlreadyCheckedIn(StateConflict):
    """The ticket was already used to enter; `used_at` says when."""

    def __init__(self, used_at: datetime) -> None:
        super().__init__(f"Billet déjà utilisé le {used_at:%d/%m/%Y à %H:%M}",
                         details={"used_at": [used_at.isoformat()]})
        self.used_at = used_at
