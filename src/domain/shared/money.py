"""Exact money: integer amounts in the currency's minor unit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from domain.shared.errors import InvalidInput

MINOR_UNITS = {"XOF": 0, "EUR": 2, "USD": 2}
MAX_MINOR = 2**63 - 1  # what a BIGINT column holds
SYMBOLS = {"XOF": "FCFA", "EUR": "€", "USD": "$"}


@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if self.currency not in MINOR_UNITS:
            raise InvalidInput(f"Devise inconnue : {self.currency}")
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise InvalidInput("Un montant est un entier en unité mineure")

    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """Reads a decimal string as shown on the wire ("5000.00")."""
        exponent = MINOR_UNITS.get(currency)
        if exponent is None:
            raise InvalidInput(f"Devise inconnue : {currency}")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise InvalidInput("Montant invalide") from None
        if not value.is_finite():
            raise InvalidInput("Montant invalide")
        scaled = value.scaleb(exponent)
        if scaled != scaled.to_integral_value():
            raise InvalidInput(f"Trop de décimales pour {currency}")
        if abs(scaled) > MAX_MINOR:
            raise InvalidInput("Montant hors limites")
        return cls(int(scaled), currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise InvalidInput("Devises différentes")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def split_rate(self, rate_basis_points: int) -> tuple[Money, Money]:
        """Splits into (part at the rate, rest), rounding the part half up; the two always add up."""
        part = (self.minor * rate_basis_points + 5_000) // 10_000
        return Money(part, self.currency), Money(self.minor - part, self.currency)

    def as_decimal_text(self) -> str:
        """The wire form the specs show: two decimals whatever the currency ("5000.00")."""
        exponent = MINOR_UNITS[self.currency]
        return f"{Decimal(self.minor).scaleb(-exponent):.2f}"

    def for_people(self) -> str:
        """As French readers write it: "12 500 FCFA", "1 234,50 €"."""
        exponent = MINOR_UNITS[self.currency]
        units, cents = divmod(abs(self.minor), 10**exponent) if exponent else (abs(self.minor), 0)
        text = f"{units:,}".replace(",", " ")
        if exponent:
            text += f",{cents:0{exponent}d}"
        return f"{'-' if self.minor < 0 else ''}{text} {SYMBOLS[self.currency]}"
