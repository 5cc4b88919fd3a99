"""Facebook Login: the access token is checked with the Graph API (debug_token), then the profile is read."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import httpx

from adapters.social.errors import ProviderUnavailable, get_with_retry
from application.identity.ports import SocialProfile
from domain.identity.errors import InvalidToken
from domain.identity.model import SocialProvider

PROFILE_FIELDS = "id,name,email,first_name,last_name,picture"
TRANSIENT_ERROR_CODES = frozenset({1, 2, 4, 17, 341})


@dataclass(frozen=True)
class FacebookSettings:
    app_id: str
    app_secret: str
    graph_url: str = "https://graph.facebook.com"
    api_version: str = "v25.0"


def appsecret_proof(app_secret: str, access_token: str) -> str:
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


class FacebookVerifier:
    def __init__(self, settings: FacebookSettings, *, timeout: float = 5.0) -> None:
        self._settings = settings
        self._timeout = timeout

    async def verify(self, token: str) -> SocialProfile:
        app_id, app_secret = self._settings.app_id, self._settings.app_secret
        if not app_id or not app_secret:
            raise InvalidToken("Connexion Facebook non configurée")
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            debug = await self._get(client, "debug_token",
                                    {"input_token": token, "access_token": f"{app_id}|{app_secret}"})
            data = debug.get("data")
            if not isinstance(data, dict) or data.get("is_valid") is not True:
                raise InvalidToken("Token Facebook invalide ou expiré")
            if str(data.get("app_id")) != app_id:
                raise InvalidToken("Ce token Facebook a été émis pour une autre application")
            me = await self._get(client, "me", {"fields": PROFILE_FIELDS, "access_token": token,
                                                "appsecret_proof": appsecret_proof(app_secret, token)})
        user_id = str(me.get("id") or "")
        if not user_id or str(data.get("user_id", user_id)) != user_id:
            raise InvalidToken("Token Facebook invalide ou expiré")
        return _profile(user_id, me)

    async def _get(self, client: httpx.AsyncClient, endpoint: str, params: dict[str, str]) -> dict[str, Any]:
        url = f"{self._settings.graph_url.rstrip('/')}/{self._settings.api_version}/{endpoint}"
        response = await get_with_retry(client, url, provider="Facebook", params=params)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ProviderUnavailable("Facebook")
        error = body.get("error")
        if isinstance(error, dict):
            if error.get("is_transient") is True or error.get("code") in TRANSIENT_ERROR_CODES:
                raise ProviderUnavailable("Facebook")
            raise InvalidToken("Token Facebook invalide ou expiré")
        if response.status_code != 200:
            raise ProviderUnavailable("Facebook")
        return body


def _profile(user_id: str, me: dict[str, Any]) -> SocialProfile:
    email = me.get("email") if isinstance(me.get("email"), str) and me.get("email") else None
    first_name = str(me.get("first_name") or "")
    last_name = str(me.get("last_name") or "")
    picture = me.get("picture")
    data = picture.get("data") if isinstance(picture, dict) else None
    photo = data.get("url") if isinstance(data, dict) else None
    return SocialProfile(
        provider=SocialProvider.FACEBOOK,
        social_id=user_id,
        email=email,
        email_verified=email is not None,
        full_name=str(me.get("name") or f"{first_name} {last_name}".strip()),
        first_name=first_name,
        last_name=last_name,
        photo_url=photo if isinstance(photo, str) and photo else None,
    )
