"""Keyed digests and random secrets for codes and tokens kept server side."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken


class HmacSecretDigest:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def digest(self, secret: str) -> str:
        return hmac.new(self._key, secret.encode(), hashlib.sha256).hexdigest()

    def random_token(self) -> str:
        return secrets.token_urlsafe(32)

    def random_digits(self, count: int) -> str:
        return "".join(secrets.choice("0123456789") for _ in range(count))


class FernetSecretBox:
    """Authenticated encryption (Fernet: AES-128-CBC + HMAC-SHA256) with a key derived from the server secret."""

    def __init__(self, secret_key: str, *, purpose: str = "secret-box") -> None:
        key = hashlib.sha256(f"{purpose}:{secret_key}".encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise ValueError("a sealed secret could not be opened: wrong AGORA_SECRET_KEY?") from None
