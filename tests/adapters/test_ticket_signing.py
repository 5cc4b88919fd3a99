"""Tickets' secrets: signed per event, verifiable offline, tamper-evident; the QR PNG decodes back to the secret."""

from __future__ import annotations

import struct
import uuid
import zlib

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.auth.secrets import FernetSecretBox
from adapters.memory.store import MemoryStore
from adapters.memory.ticketing_sales import MemorySigningKeys
from adapters.tickets.qr import SegnoQrRenderer
from adapters.tickets.signing import PREFIX, Ed25519TicketSigner, RandomShortCodes
from application.ticketing.sales.ports import SignedTicket
from domain.ticketing.sales import normalize_short_code

TICKET = uuid.UUID("5b1f3c9e-8a8d-4c1e-9f6a-2d0e7b3c4a51")


def signer(store: MemoryStore | None = None, secret: str = "server-secret") -> Ed25519TicketSigner:  # noqa: S107
    return Ed25519TicketSigner(MemorySigningKeys(store or MemoryStore()), FernetSecretBox(secret, purpose="tickets"))


async def test_a_signed_secret_verifies_offline_with_the_events_public_key() -> None:
    tickets = signer()
    text = await tickets.sign(TICKET, 42)
    assert text.startswith(PREFIX) and len(text) < 130
    assert tickets.verify(text, await tickets.public_key(42)) == SignedTicket(TICKET, 42)
    offline = signer()  # another process: only the public key in hand
    assert offline.verify(text, await tickets.public_key(42)) == SignedTicket(TICKET, 42)


async def test_a_ticket_of_another_event_or_a_made_up_secret_fails() -> None:
    tickets = signer()
    other = await tickets.sign(TICKET, 43)
    assert await tickets.public_key(42) != await tickets.public_key(43)
    assert tickets.verify(other, await tickets.public_key(42)) is None
    key = await tickets.public_key(42)
    for forged in ("", "SV1.", "SPOTVIBE-5b1f3c9e-42", PREFIX + "A" * 118, PREFIX + "!!!", "SV1.=="):
        assert tickets.verify(forged, key) is None
    assert tickets.verify(await tickets.sign(TICKET, 42), "not-a-key") is None


@settings(max_examples=200, deadline=None)
@given(st.data())
async def test_any_tampered_character_fails_verification(data: st.DataObject) -> None:
    tickets = signer()
    text = await tickets.sign(TICKET, 42)
    key = await tickets.public_key(42)
    at = data.draw(st.integers(len(PREFIX), len(text) - 1))
    replacement = data.draw(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"))
    tampered = text[:at] + replacement + text[at + 1:]
    if tampered != text:
        assert tickets.verify(tampered, key) is None


async def test_the_private_key_is_sealed_at_rest_and_kept_once_per_event() -> None:
    store = MemoryStore()
    first = signer(store)
    text = await first.sign(TICKET, 42)
    stored = await MemorySigningKeys(store).get(42)
    assert stored is not None and stored.public_key == await first.public_key(42)
    with pytest.raises(ValueError, match="sealed"):
        FernetSecretBox("another-secret", purpose="tickets").open(stored.sealed_private_key)
    again = signer(store)  # a later request signs with the same stored key
    assert await again.sign(TICKET, 42) == text  # Ed25519 signatures are deterministic
    with pytest.raises(ValueError, match="sealed"):
        await signer(store, secret="another-secret").sign(TICKET, 42)


def test_short_codes_are_unambiguous_and_random() -> None:
    codes = {RandomShortCodes().new() for _ in range(500)}
    assert len(codes) == 500
    assert all(normalize_short_code(code) == code for code in codes)


def png_to_grey(png: bytes) -> tuple[bytes, int, int]:
    """A minimal PNG reader (greyscale, 1 or 8 bits, no interlace): the test's dependencies carry no Pillow."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    assert header is not None
    width, height, depth, colour, _, _, interlace = header
    assert colour == 0 and depth in (1, 8) and interlace == 0
    raw = zlib.decompress(idat)
    stride = (width * depth + 7) // 8
    rows, previous, at = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        for i in range(stride):
            left = line[i - 1] if i else 0
            up, corner = previous[i], previous[i - 1] if i else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                guess = min((abs(p - left), 0, left), (abs(p - up), 1, up), (abs(p - corner), 2, corner))[2]
                line[i] = (line[i] + guess) & 0xFF
        rows.append(bytes(line))
        previous = line
    if depth == 8:
        return b"".join(rows), width, height
    pixels = bytes(255 if row[x // 8] >> (7 - x % 8) & 1 else 0 for row in rows for x in range(width))
    return pixels, width, height


async def test_the_qr_png_decodes_back_to_the_secret() -> None:
    text = await signer().sign(TICKET, 42)
    png = SegnoQrRenderer().png(text)
    pixels, width, height = png_to_grey(png)
    found = zxingcpp.read_barcodes(memoryview(pixels).cast("B", (height, width)))
    assert [barcode.text for barcode in found] == [text]
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
