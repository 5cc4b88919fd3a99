"""Imperative mapping of the identity entities: the domain's dataclasses never know their tables."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sql.identity import tables
from domain.identity.model import LoginAttempt, Municipality, OneTimeCode, RefreshSession, SocialAccount, User


def map_entities(mapper: registry) -> None:
    mapper.map_imperatively(Municipality, tables.municipalities)
    mapper.map_imperatively(User, tables.users)
    mapper.map_imperatively(RefreshSession, tables.refresh_sessions)
    mapper.map_imperatively(OneTimeCode, tables.one_time_codes)
    mapper.map_imperatively(LoginAttempt, tables.login_attempts)
    mapper.map_imperatively(SocialAccount, tables.social_accounts)
