"""Memory stand-ins for the ports that talk to slow or outside things."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from application.identity.ports import SocialProfile
from application.shared.ports import EmailMessage, SmsMessage, Upload
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


class MemoryFileStorage:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    async def save(self, folder: str, upload: Upload) -> str:
        path = f"/media/{folder}/{uuid.uuid4().hex}"
        self.files[path] = upload.data
        return path

    async def delete(self, path: str) -> None:
        self.files.pop(path, None)


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
