"""One-time codes and tokens: issued once, kept as digests, checked with a limit on tries."""

from __future__ import annotations

import hmac
import uuid

from application.identity.ports import OneTimeCodeRepository, SecretDigest
from application.shared.ports import Clock, UnitOfWork
from domain.identity.errors import InvalidCode, TooManyAttempts
from domain.identity.model import CodePurpose, OneTimeCode
from domain.identity.policies import CodePolicy


class OneTimeCodes:
    def __init__(self, codes: OneTimeCodeRepository, digest: SecretDigest, clock: Clock, uow: UnitOfWork) -> None:
        self._codes = codes
        self._digest = digest
        self._clock = clock
        self._uow = uow

    async def issue_digits(self, user_id: int, purpose: CodePurpose, policy: CodePolicy) -> str:
        plain = self._digest.random_digits(policy.digits)
        await self._store(user_id, purpose, plain, policy)
        return plain

    async def issue_token(self, user_id: int, purpose: CodePurpose, policy: CodePolicy) -> str:
        plain = self._digest.random_token()
        await self._store(user_id, purpose, plain, policy)
        return plain

    async def _store(self, user_id: int, purpose: CodePurpose, plain: str, policy: CodePolicy) -> None:
        now = self._clock.now()
        await self._codes.revoke_for(user_id, purpose, now)
        await self._codes.add(
            OneTimeCode(id=uuid.uuid4().hex, user_id=user_id, purpose=purpose, digest=self._digest.digest(plain),
                        created_at=now, expires_at=now + policy.ttl, max_attempts=policy.max_attempts)
        )

    async def check_digits(self, user_id: int, purpose: CodePurpose, candidate: str, *, field: str = "code"
                           ) -> None:
        """Accepts the user's live code once. A wrong try is counted and committed before the error."""
        now = self._clock.now()
        code = await self._codes.latest_live(user_id, purpose, now)
        if code is None:
            raise InvalidCode.on_field(field, "Code invalide ou expiré")
        tries = await self._codes.count_attempt(code.id)
        matches = hmac.compare_digest(code.digest, self._digest.digest(candidate.strip()))
        if matches and tries <= code.max_attempts and await self._codes.consume(code.id, now):
            return
        await self._uow.commit()
        left = max(0, code.max_attempts - tries)
        if left == 0:
            raise TooManyAttempts.on_field(field, "Trop d'essais : demandez un nouveau code")
        raise InvalidCode.on_field(field, f"Code incorrect ({left} essai(s) restant(s))")

    async def take_token(self, purpose: CodePurpose, token: str) -> OneTimeCode:
        """Finds a live token by its digest; the caller checks ownership, then calls `spend`."""
        code = await self._codes.by_digest(purpose, self._digest.digest(token.strip()))
        if code is None or not code.is_live(self._clock.now()):
            raise InvalidCode.on_field("token", "Lien invalide ou expiré")
        return code

    async def spend(self, code: OneTimeCode) -> None:
        if not await self._codes.consume(code.id, self._clock.now()):
            raise InvalidCode.on_field("token", "Lien invalide ou expiré")
