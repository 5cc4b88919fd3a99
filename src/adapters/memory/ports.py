"""Memory stand-ins for the ports that talk to slow or outside things."""

from __future__ import annotations

import hashlib
import secrets

from adapters.storage.base import StorageBase
from application.identity.ports import SocialProfile
from application.shared.ports import EmailMessage, SmsMessage
from domain.identity.errors import InvalidToken
from domain.identity.model import SocialProvider


class QuickPasswordHasher:
    """Salted SHA-256: instant, for tests and demos only (the service uses argon2id)."""

    async def hash(self, password: str) -> str:
        salt = secrets.token_hex(8)
        return f"quick${salt}${hashlib.sha256((salt + password).encode()).hexdigest()}"

    async def verify(self, password_hash: str, password: str) -> bool:
        try:
            _, salt, digest = password_hash.split("$")
        except ValueError:
            return False
        return secrets.compare_digest(digest, hashlib.sha256((salt + password).encode()).hexdigest())

    def needs_rehash(self, password_hash: str) -> bool:
        return False

    async def burn(self, password: str) -> None:
        return None


class MemorySocialVerifier:
    """Tokens registered in advance stand for what the provider would answer."""

    def __init__(self) -> None:
        self.profiles: dict[tuple[SocialProvider, str], SocialProfile] = {}

    def register(self, token: str, profile: SocialProfile) -> None:
        self.profiles[(profile.provider, token)] = profile

    async def verify(self, provider: SocialProvider, token: str) -> SocialProfile:
        found = self.profiles.get((provider, token))
        if found is None:
            raise InvalidToken(f"Token {provider.title()} invalide")
        return found


class MemoryFileStorage(StorageBase):
    """The real rules (names, size limit, image re-encoding) on dictionaries: public files by path, private by key."""

    public_base = "/media"

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, bytes] = {}
        self.private: dict[str, bytes] = {}

    async def _put_public(self, key: str, data: bytes, content_type: str) -> None:
        self.files[self.public_path(key)] = data

    async def _delete_public(self, key: str) -> None:
        self.files.pop(self.public_path(key), None)

    async def _put_private(self, key: str, data: bytes, content_type: str) -> None:
        self.private[key] = data

    async def _get_private(self, key: str) -> bytes | None:
        return self.private.get(key)

    async def _delete_private(self, key: str) -> None:
        self.private.pop(key, None)


class MemoryEmailSender:
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> None:
        self.sent.append(message)


class MemorySmsSender:
    def __init__(self) -> None:
        self.sent: list[SmsMessage] = []

    async def send(self, message: SmsMessage) -> None:
        self.sent.append(message)
