"""Payment errors. Each is a kind of domain error, so every face knows its status code."""

from __future__ import annotations

from domain.shared.errors import Conflict, DomainError, InvalidInput, Unavailable


class InvalidTransition(Conflict):
    """The payment (or refund) is not in a state that allows this step."""

    def __init__(self, what: str, status: str, step: str) -> None:
        super().__init__(f"{what} au statut {status} : {step} impossible")
        self.status = status
        self.step = step


class AlreadyRefunded(Conflict):
    """A payment refunded once takes no further refund request from its payer (what is left of it is at most the
    platform's fee, which only an administrator may decide to give back)."""

    def __init__(self) -> None:
        super().__init__("Paiement déjà remboursé : aucune nouvelle demande de remboursement n'est possible")


class MethodInactive(InvalidInput):
    def __init__(self, method: str) -> None:
        super().__init__(f"Méthode de paiement indisponible : {method}", details={"method": [
            f"Méthode de paiement indisponible : {method}"]})


class GatewayUnavailable(Unavailable):
    """The provider did not answer in time or answered 5xx after the retries."""


class GatewayRejected(InvalidInput):
    """The provider refused the request (unknown number, wrong currency, ...): the client may correct it."""


class RefundNotSupported(DomainError):
    """The provider has no refund API: the refund is paid by hand and recorded by an administrator."""


class InvalidCallback(InvalidInput):
    """A callback that is not signed, badly signed, stale, or unknown: it changes nothing."""
