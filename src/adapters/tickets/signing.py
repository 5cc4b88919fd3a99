"""Tickets' secrets: an Ed25519 signature per ticket with a key pair per event, and short fallback codes.

Secret format (the QR code's text): ``SV1.`` + base64url without padding of 88 bytes: the ticket's UUID (16
bytes), the event id (8 bytes, big endian), and the Ed25519 signature (64 bytes) over ``b"SV1" + those 24
bytes``. A scanner holding the event's public key (raw 32 bytes, base64url) verifies it with no database.
The private key is kept sealed (Fernet, key derived from AGORA_SECRET_KEY) in the `SigningKeys` store.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from adapters.auth.secrets import FernetSecretBox
from application.ticketing.sales.ports import SignedTicket, SigningKey, SigningKeys
from domain.ticketing.sales import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH

PREFIX = "SV1."
_DOMAIN = b"SV1"  # signed along, so a signature made for anything else never passes as a ticket's
_PAYLOAD = 16 + 8
_SIGNATURE = 64
MAX_EVENT_ID = 2**63 - 1


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _payload(ticket_uuid: UUID, event_id: int) -> bytes:
    if not 0 <= event_id <= MAX_EVENT_ID:
        raise ValueError("event id out of range")
    return ticket_uuid.bytes + event_id.to_bytes(8, "big")


class Ed25519TicketSigner:
    def __init__(self, keys: SigningKeys, box: FernetSecretBox) -> None:
        self._keys = keys
        self._box = box
        self._private: dict[int, Ed25519PrivateKey] = {}

    async def _key(self, event_id: int) -> SigningKey:
        key = await self._keys.get(event_id)
        if key is None:
            private = Ed25519PrivateKey.generate()
            raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
            public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            key = await self._keys.add(SigningKey(event_id, _b64(public), self._box.seal(_b64(raw))))
        return key

    async def _private_key(self, event_id: int) -> Ed25519PrivateKey:
        private = self._private.get(event_id)
        if private is None:
            key = await self._key(event_id)
            private = Ed25519PrivateKey.from_private_bytes(_unb64(self._box.open(key.sealed_private_key)))
            self._private[event_id] = private
        return private

    async def sign(self, ticket_uuid: UUID, event_id: int) -> str:
        payload = _payload(ticket_uuid, event_id)
        signature = (await self._private_key(event_id)).sign(_DOMAIN + payload)
        return PREFIX + _b64(payload + signature)

    async def public_key(self, event_id: int) -> str:
        return (await self._key(event_id)).public_key

    def verify(self, text: str, public_key: str) -> SignedTicket | None:
        if not text.startswith(PREFIX):
            return None
        try:
            data = _unb64(text.removeprefix(PREFIX))
            key = Ed25519PublicKey.from_public_bytes(_unb64(public_key))
        except (binascii.Error, ValueError):
            return None
        if len(data) != _PAYLOAD + _SIGNATURE or _b64(data) != text.removeprefix(PREFIX):
            return None  # one spelling per secret: no padding or trailing bits that would still decode
        payload, signature = data[:_PAYLOAD], data[_PAYLOAD:]
        try:
            key.verify(signature, _DOMAIN + payload)
        except InvalidSignature:
            return None
        return SignedTicket(UUID(bytes=payload[:16]), int.from_bytes(payload[16:], "big"))


class RandomShortCodes:
    """8 characters out of 31 unambiguous ones (no 0/O, 1/I/L), from the OS's CSPRNG."""

    def new(self) -> str:
        return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))
