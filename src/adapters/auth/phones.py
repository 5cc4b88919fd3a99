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



class GuianaPhoneNumbers:
    """The church's phones (community context): French Guiana's plan, typed locally (`0694…`) or in full."""

    def normalize(self, raw: str) -> str:
        return PhonenumbersNormalizer().normalize(raw, Realm.EEBC)
