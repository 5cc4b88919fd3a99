"""Logging in with Google or Facebook, and managing the linked accounts."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from application.identity.ports import SocialAccountRepository, SocialTokenVerifier, UserRepository
from application.identity.services.login import LoginJournal
from application.identity.services.sessions import IssuedTokens
from application.identity.services.two_factor import ChallengeTokens, SecondFactor, TwoFactorChallenge
from application.shared.ports import Clock, Throttle, UnitOfWork
from domain.identity.errors import AccountDisabled, LastLoginMethod
from domain.identity.model import CodePurpose, Realm, SocialAccount, SocialProvider, TwoFactorMethod, User
from domain.identity.policies import DEFAULT_ROLE, normalize_email
from domain.shared.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class SocialLoginCommand:
    realm: Realm
    provider: SocialProvider
    token: str
    ip_address: str | None = None
    user_agent: str | None = None


class SocialLogin:
    """Finds the account linked to the provider identity; else links the account with the same verified
    email; else creates an account with no password."""

    def __init__(self, verifier: SocialTokenVerifier, users: UserRepository, accounts: SocialAccountRepository,
                 journal: LoginJournal, challenges: ChallengeTokens, second_factor: SecondFactor,
                 throttle: Throttle, uow: UnitOfWork, clock: Clock) -> None:
        self._verifier = verifier
        self._users = users
        self._accounts = accounts
        self._journal = journal
        self._challenges = challenges
        self._second_factor = second_factor
        self._throttle = throttle
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: SocialLoginCommand) -> IssuedTokens | TwoFactorChallenge:
        await self._throttle.hit(f"social:{cmd.realm}:ip:{cmd.ip_address}", limit=30, window_seconds=60)
        if not cmd.token.strip():
            raise InvalidInput.on_field("access_token", "Token requis")
        profile = await self._verifier.verify(cmd.provider, cmd.token.strip())
        linked = await self._accounts.find(cmd.provider, profile.social_id)
        user: User | None = None
        if linked is not None:
            user = await self._users.get_for_update(linked.user_id)
        if user is None:
            if not profile.email:
                raise InvalidInput(f"Le compte {cmd.provider.title()} ne partage pas d'adresse email")
            email = normalize_email(profile.email)
            user = await self._users.by_email(cmd.realm, email)
            if user is not None and not profile.email_verified:
                raise InvalidInput(
                    "Un compte utilise déjà cet email : connectez-vous avec votre mot de passe pour le lier"
                )
            if user is None:
                user = await self._users.add(
                    User(realm=cmd.realm, username=await self._free_username(cmd.realm, email), email=email,
                         password_hash=None, created_at=self._clock.now(), first_name=profile.first_name,
                         last_name=profile.last_name, roles=[DEFAULT_ROLE[cmd.realm]],
                         email_verified=profile.email_verified)
                )
            assert user.id is not None
            await self._accounts.add(
                SocialAccount(user_id=user.id, provider=cmd.provider, social_id=profile.social_id,
                              created_at=self._clock.now(), email=profile.email, full_name=profile.full_name,
                              photo_url=profile.photo_url)
            )
        if not user.is_active:
            raise AccountDisabled()
        if user.two_factor_enabled:
            if user.two_factor_method is not TwoFactorMethod.TOTP:
                await self._second_factor.send_code(user, CodePurpose.TWO_FACTOR_LOGIN)
            await self._uow.commit()
            return self._challenges.mint(user)
        tokens = await self._journal.succeed(user, profile.email or profile.social_id, cmd.ip_address,
                                             cmd.user_agent)
        await self._uow.commit()
        return tokens

    async def _free_username(self, realm: Realm, email: str) -> str:
        base = re.sub(r"[^\w.+-]", "", email.split("@", 1)[0])[:30] or "utilisateur"
        if len(base) < 3:
            base = f"{base}_user"
        candidate = base
        while await self._users.by_username(realm, candidate) is not None:
            candidate = f"{base}_{uuid.uuid4().hex[:6]}"
        return candidate


class DisconnectSocialAccount:
    def __init__(self, users: UserRepository, accounts: SocialAccountRepository, uow: UnitOfWork) -> None:
        self._users = users
        self._accounts = accounts
        self._uow = uow

    async def __call__(self, user_id: int, provider: SocialProvider) -> None:
        user = await self._users.get_for_update(user_id)
        if user is None:
            raise NotFound("Utilisateur introuvable")
        accounts = await self._accounts.for_user(user_id)
        target = next((a for a in accounts if a.provider is provider), None)
        if target is None or target.id is None:
            raise InvalidInput(f"Aucun compte {provider.title()} n'est lié à votre profil")
        if not user.has_password and len(accounts) == 1:
            raise LastLoginMethod()
        await self._accounts.remove(target.id)
        await self._uow.commit()
