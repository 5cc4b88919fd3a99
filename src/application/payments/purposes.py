"""The seam between payments and the contexts that sell: each registers an owner for its purpose kind."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol
from uuid import UUID

from application.payments.ports import PurposeQuote
from domain.payments.model import PaymentStatus, Purpose
from domain.shared.errors import NotFound


class PurposeOwner(Protocol):
    """Implemented by a selling context (tickets, subscriptions, donations) for one purpose kind."""

    @property
    def kind(self) -> str: ...

    async def quote(self, reference: str, payer_id: int) -> PurposeQuote: ...

    async def settled(self, reference: str, payment_uuid: UUID, status: PaymentStatus) -> bool: ...


class PurposeRegistry:
    """The `PaymentPurposes` port, dispatching on the purpose kind."""

    def __init__(self, owners: Iterable[PurposeOwner] = ()) -> None:
        self._owners = {owner.kind: owner for owner in owners}

    def register(self, owner: PurposeOwner) -> None:
        self._owners[owner.kind] = owner

    def knows(self, kind: str) -> bool:
        return kind in self._owners

    def _owner(self, kind: str) -> PurposeOwner:
        owner = self._owners.get(kind)
        if owner is None:
            raise NotFound(f"Rien à payer de ce type : {kind}")
        return owner

    async def quote(self, purpose: Purpose, payer_id: int) -> PurposeQuote:
        return await self._owner(purpose.kind).quote(purpose.reference, payer_id)

    async def settled(self, purpose: Purpose, payment_uuid: UUID, status: PaymentStatus) -> bool:
        return await self._owner(purpose.kind).settled(purpose.reference, payment_uuid, status)
