"""RFC 6238 one-time passwords (pyotp) and QR codes (segno)."""

from __future__ import annotations

from datetime import datetime

import pyotp
import segno


class PyotpTotp:
    def __init__(self, *, interval: int = 30, drift_steps: int = 1) -> None:
        self._interval = interval
        self._drift = drift_steps

    def new_secret(self) -> str:
        return pyotp.random_base32()

    def provisioning_uri(self, secret: str, *, account: str, issuer: str) -> str:
        return pyotp.TOTP(secret, interval=self._interval).provisioning_uri(name=account, issuer_name=issuer)

    def matching_step(self, secret: str, code: str, now: datetime) -> int | None:
        if not code.isdigit() or len(code) != 6:
            return None
        totp = pyotp.TOTP(secret, interval=self._interval)
        step = totp.timecode(now)
        for candidate in range(step - self._drift, step + self._drift + 1):
            if pyotp.utils.strings_equal(totp.generate_otp(candidate), code):
                return candidate
        return None


class SegnoQrRenderer:
    def png_data_uri(self, text: str) -> str:
        return segno.make(text, error="m").png_data_uri(scale=5, border=2)
