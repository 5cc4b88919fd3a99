"""Keyed digests and random secrets for codes and tokens kept server side."""

from __future__ import annotations

import hashlib
import hmac
import secrets


class HmacSecretDigest:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def digest(self, secret: str) -> str:
        return hmac.new(self._key, secret.encode(), hashlib.sha256).hexdigest()

    def random_token(self) -> str:
        return secrets.token_urlsafe(32)

    def random_digits(self, count: int) -> str:
        return "".join(secrets.choice("0123456789") for _ in range(count))
