"""The SocialTokenVerifier port: hands each token to the verifier of its provider."""

from __future__ import annotations

from adapters.social.facebook import FacebookVerifier
from adapters.social.google import GoogleVerifier
from application.identity.ports import SocialProfile
from domain.identity.errors import InvalidToken
from domain.identity.model import SocialProvider


class SocialVerifier:
    def __init__(self, google: GoogleVerifier | None = None, facebook: FacebookVerifier | None = None) -> None:
        self._google = google
        self._facebook = facebook

    async def verify(self, provider: SocialProvider, token: str) -> SocialProfile:
        if provider is SocialProvider.GOOGLE:
            if self._google is None:
                raise InvalidToken("Connexion Google non configurée")
            return await self._google.verify(token)
        if provider is SocialProvider.FACEBOOK:
            if self._facebook is None:
                raise InvalidToken("Connexion Facebook non configurée")
            return await self._facebook.verify(token)
        raise InvalidToken(f"Fournisseur {provider} non pris en charge")
