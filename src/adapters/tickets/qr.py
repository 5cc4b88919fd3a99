"""Tickets' QR codes as PNG (segno)."""

from __future__ import annotations

import io

import segno


class SegnoQrRenderer:
    def __init__(self, *, scale: int = 6, border: int = 4) -> None:
        self._scale = scale
        self._border = border

    def png(self, text: str) -> bytes:
        out = io.BytesIO()
        # Error correction M: a creased or dimly lit phone screen still scans.
        segno.make(text, error="m", micro=False).save(out, kind="png", scale=self._scale, border=self._border)
        return out.getvalue()
