"""The identity context: its adapters and configuration, repositories and use cases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from dishka import Provider, Scope, provide, provide_all

from adapters.auth.argon2_hasher import Argon2PasswordHasher
from adapters.auth.jwt_codec import JwtTokenCodec
from adapters.auth.phones import PhonenumbersNormalizer
from adapters.auth.secrets import FernetSecretBox, HmacSecretDigest
from adapters.auth.totp import PyotpTotp, SegnoQrRenderer
from adapters.social.facebook import FacebookSettings, FacebookVerifier
from adapters.social.google import GoogleSettings, GoogleVerifier
from adapters.social.verifier import SocialVerifier
from adapters.sql.identity import repositories as sql
from adapters.sql.identity.reads import SqlIdentityReads
from application.identity import services as use_cases
from application.identity.config import IdentityConfig
from application.identity.ports import (
    IdentityReads,
    LoginAttemptRepository,
    MunicipalityRepository,
    OneTimeCodeRepository,
    PasswordHasher,
    PhoneNumbers,
    QrRenderer,
    RefreshSessionRepository,
    SecretBox,
    SecretDigest,
    SocialAccountRepository,
    SocialTokenVerifier,
    TokenCodec,
    Totp,
    UserRepository,
)
from application.identity.queries import IdentityQueries
from application.shared.ports import Clock
from domain.identity.model import Realm
from domain.identity.policies import LockoutPolicy, TokenLifetimes
from entrypoints.settings import Settings


class IdentityAdapters(Provider):
    scope = Scope.APP

    @provide
    def config(self, settings: Settings) -> IdentityConfig:
        defaults = IdentityConfig()
        links = dict(defaults.reset_links)
        links.update({Realm(name): link for name, link in settings.reset_links.items()})
        return IdentityConfig(
            lockout=LockoutPolicy(max_failures=settings.lockout_max_failures,
                                  lock_for=timedelta(minutes=settings.lockout_minutes)),
            reset_links=links,
            login_limit_per_minute=settings.login_limit_per_minute,
        )

    @provide
    def lifetimes(self, config: IdentityConfig) -> TokenLifetimes:
        return config.lifetimes

    @provide(provides=PasswordHasher)
    def hasher(self, settings: Settings) -> Iterator[Argon2PasswordHasher]:
        hasher = Argon2PasswordHasher(time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib,
                                      workers=settings.hash_threads)
        yield hasher
        hasher.close()

    @provide
    def codec(self, settings: Settings, clock: Clock) -> TokenCodec:
        return JwtTokenCodec(settings.secret_key, clock)

    @provide
    def digest(self, settings: Settings) -> SecretDigest:
        return HmacSecretDigest(("digest:" + settings.secret_key).encode())

    @provide
    def box(self, settings: Settings) -> SecretBox:
        return FernetSecretBox(settings.secret_key, purpose="totp")

    @provide
    def totp(self) -> Totp:
        return PyotpTotp()

    qr = provide(SegnoQrRenderer, provides=QrRenderer)
    phones = provide(PhonenumbersNormalizer, provides=PhoneNumbers)

    @provide
    def social(self, settings: Settings, clock: Clock) -> SocialTokenVerifier:
        google = GoogleVerifier(GoogleSettings(client_ids=settings.google_client_ids,
                                               jwks_url=settings.google_jwks_url), clock=clock)
        facebook = FacebookVerifier(FacebookSettings(app_id=settings.facebook_app_id or "",
                                                     app_secret=settings.facebook_app_secret or "",
                                                     graph_url=settings.facebook_graph_url))
        return SocialVerifier(google=google, facebook=facebook)


class IdentityPersistence(Provider):
    scope = Scope.REQUEST

    users = provide(sql.SqlUserRepository, provides=UserRepository)
    municipalities = provide(sql.SqlMunicipalityRepository, provides=MunicipalityRepository)
    refresh_sessions = provide(sql.SqlRefreshSessionRepository, provides=RefreshSessionRepository)
    codes = provide(sql.SqlOneTimeCodeRepository, provides=OneTimeCodeRepository)
    attempts = provide(sql.SqlLoginAttemptRepository, provides=LoginAttemptRepository)
    social_accounts = provide(sql.SqlSocialAccountRepository, provides=SocialAccountRepository)


class IdentityReadSide(Provider):
    """The reads behind every authenticated request live for the app: no request scope to build."""

    scope = Scope.APP

    reads = provide(SqlIdentityReads, provides=IdentityReads)
    authenticate = provide(use_cases.Authenticate)
    queries = provide(IdentityQueries)


class IdentityUseCases(Provider):
    scope = Scope.REQUEST

    use_cases = provide_all(
        use_cases.OneTimeCodes, use_cases.EmailRecipients, use_cases.SessionIssuer, use_cases.LoginJournal,
        use_cases.ChallengeTokens, use_cases.SecondFactor, use_cases.RefreshTokens,
        use_cases.LogOut, use_cases.RegisterUser, use_cases.LogIn, use_cases.CompleteLogin, use_cases.ChangePassword,
        use_cases.RequestPasswordReset, use_cases.ResetPassword, use_cases.UpdateProfile,
        use_cases.SendEmailVerification, use_cases.ConfirmEmail, use_cases.SetUpTwoFactor,
        use_cases.ConfirmTwoFactor, use_cases.SocialLogin, use_cases.DisconnectSocialAccount,
    )
