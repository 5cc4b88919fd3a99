"""Phone numbers validated and stored in E.164 with the region each realm lives in."""

from __future__ import annotations

import phonenumbers

from domain.identity.model import Realm
from domain.shared.errors import InvalidInput

REGIONS = {Realm.SPOTVIBE: "BJ", Realm.MAIRIE: "FR", Realm.EEBC: "GF"}


class PhonenumbersNormalizer:
    def normalize(self, raw: str, realm: Realm) -> str:
        try:
            number = phonenumbers.parse(raw.strip(), REGIONS[realm])
        except phonenumbers.NumberParseException:
            raise InvalidInput("Numéro de téléphone invalide") from None
        if not phonenumbers.is_valid_number(number):
            raise InvalidInput("Numéro de téléphone invalide")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class RealmPhoneNumbers:
    """Phone numbers of one realm's users (payments take the payer's in their face's region)."""

    def __init__(self, realm: Realm, normalizer: PhonenumbersNormalizer | None = None) -> None:
        self._realm = realm
        self._normalizer = normalizer or PhonenumbersNormalizer()

    def normalize(self, raw: str) -> str:
        return self._normalizer.normalize(raw, self._realm)
