"""The `Gateways` port: the configured gateway of each method."""

from __future__ import annotations

from collections.abc import Iterable

from application.payments.ports import PaymentGateway
from domain.payments.model import PaymentMethod


class GatewayRegistry:
    def __init__(self, gateways: Iterable[PaymentGateway]) -> None:
        self._gateways = {gateway.method: gateway for gateway in gateways}

    def get(self, method: PaymentMethod) -> PaymentGateway | None:
        return self._gateways.get(method)

    def methods(self) -> list[PaymentMethod]:
        return list(self._gateways)
