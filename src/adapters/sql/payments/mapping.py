"""Imperative mapping of the payments entities."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sql.payments import tables
from domain.payments.model import Attempt, Commission, LedgerEntry, Payment, Refund


def map_entities(mapper: registry) -> None:
    mapper.map_imperatively(Payment, tables.payments)
    mapper.map_imperatively(Attempt, tables.payment_attempts)
    mapper.map_imperatively(Refund, tables.refunds)
    mapper.map_imperatively(Commission, tables.commissions)
    mapper.map_imperatively(LedgerEntry, tables.ledger_entries)
