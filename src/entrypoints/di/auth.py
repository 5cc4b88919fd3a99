"""Identity adapters and configuration."""

from __future__ import annotations

from datetime import timedelta

from dishka import Provider, Scope, from_context, provide

from adapters.auth.argon2_hasher import Argon2PasswordHasher
from adapters.auth.jwt_codec import JwtTokenCodec
from adapters.auth.phones import PhonenumbersNormalizer
from adapters.auth.secrets import FernetSecretBox, HmacSecretDigest
from adapters.auth.totp import PyotpTotp, SegnoQrRenderer
from adapters.clock import SystemClock
from adapters.social.facebook import FacebookSettings, FacebookVerifier
from adapters.social.google import GoogleSettings, GoogleVerifier
from adapters.social.verifier import SocialVerifier
from application.identity.config import IdentityConfig
from application.identity.ports import (
    PasswordHasher,
    PhoneNumbers,
    QrRenderer,
    SecretBox,
    SecretDigest,
    SocialTokenVerifier,
    TokenCodec,
    Totp,
)
from application.shared.ports import Clock, Throttle
from domain.identity.model import Realm
from domain.identity.policies import LockoutPolicy
from entrypoints.di.throttle import shared_throttle
from entrypoints.runtime import Runtime
from entrypoints.settings import Settings


class IdentityProvider(Provider):
    scope = Scope.APP
    runtime = from_context(Runtime, scope=Scope.APP)

    @provide
    def settings(self, runtime: Runtime) -> Settings:
        return runtime.settings

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

    clock = provide(SystemClock, provides=Clock)

    @provide
    def hasher(self, settings: Settings) -> PasswordHasher:
        return Argon2PasswordHasher(time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib)

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

    throttle = provide(staticmethod(shared_throttle), provides=Throttle)

    @provide
    def social(self, settings: Settings, clock: Clock) -> SocialTokenVerifier:
        google = GoogleVerifier(GoogleSettings(client_ids=settings.google_client_ids,
                                               jwks_url=settings.google_jwks_url), clock=clock)
        facebook = FacebookVerifier(FacebookSettings(app_id=settings.facebook_app_id or "",
                                                     app_secret=settings.facebook_app_secret or "",
                                                     graph_url=settings.facebook_graph_url))
        return SocialVerifier(google=google, facebook=facebook)
