"""Social login: checks Google and Facebook tokens with the providers (SocialTokenVerifier port)."""

from adapters.social.errors import ProviderUnavailable
from adapters.social.facebook import FacebookSettings, FacebookVerifier
from adapters.social.google import GoogleSettings, GoogleVerifier
from adapters.social.verifier import SocialVerifier

__all__ = [
    "FacebookSettings",
    "FacebookVerifier",
    "GoogleSettings",
    "GoogleVerifier",
    "ProviderUnavailable",
    "SocialVerifier",
]
