"""Imperative mapping: the domain's dataclasses onto the tables, without the domain knowing."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sql import tables
from adapters.sql import throttle as _throttle  # noqa: F401 - puts its table on tables.metadata
from domain.identity.model import LoginAttempt, Municipality, OneTimeCode, RefreshSession, SocialAccount, User
from domain.payments.model import Attempt, Commission, LedgerEntry, Payment, Refund

mapper_registry = registry(metadata=tables.metadata)
_mapped = False


def map_domain() -> None:
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(Municipality, tables.municipalities)
    mapper_registry.map_imperatively(User, tables.users)
    mapper_registry.map_imperatively(RefreshSession, tables.refresh_sessions)
    mapper_registry.map_imperatively(OneTimeCode, tables.one_time_codes)
    mapper_registry.map_imperatively(LoginAttempt, tables.login_attempts)
    mapper_registry.map_imperatively(SocialAccount, tables.social_accounts)
    mapper_registry.map_imperatively(Payment, tables.payments)
    mapper_registry.map_imperatively(Attempt, tables.payment_attempts)
    mapper_registry.map_imperatively(Refund, tables.refunds)
    mapper_registry.map_imperatively(Commission, tables.commissions)
    mapper_registry.map_imperatively(LedgerEntry, tables.ledger_entries)
    _mapped = True
