from __future__ import annotations

import pytest

from adapters.auth.secrets import FernetSecretBox, HmacSecretDigest


def test_a_sealed_secret_opens_only_with_the_same_key_and_purpose() -> None:
    box = FernetSecretBox("server-secret", purpose="totp")
    sealed = box.seal("JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in sealed and box.seal("JBSWY3DPEHPK3PXP") != sealed
    assert box.open(sealed) == "JBSWY3DPEHPK3PXP"
    for other in (FernetSecretBox("another-secret", purpose="totp"), FernetSecretBox("server-secret", purpose="x")):
        with pytest.raises(ValueError):
            other.open(sealed)
    with pytest.raises(ValueError):
        box.open(sealed[:-4] + "AAAA")


def test_digests_are_keyed_and_random_values_are_fresh() -> None:
    digest = HmacSecretDigest(b"key")
    assert digest.digest("123456") == HmacSecretDigest(b"key").digest("123456")
    assert digest.digest("123456") != HmacSecretDigest(b"other").digest("123456")
    codes = {digest.random_digits(6) for _ in range(50)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 40
    assert len(digest.random_token()) >= 43
