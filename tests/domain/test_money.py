from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.shared.errors import InvalidInput
from domain.shared.money import Money


@given(amount=st.integers(0, 10**12), rate=st.integers(0, 10_000), currency=st.sampled_from(["XOF", "EUR"]))
def test_a_split_always_adds_up(amount: int, rate: int, currency: str) -> None:
    part, rest = Money(amount, currency).split_rate(rate)
    assert part + rest == Money(amount, currency)
    assert 0 <= part.minor <= amount


def test_wire_text_round_trips() -> None:
    assert Money.parse("5000.00", "XOF") == Money(5000, "XOF")
    assert Money.parse("12.34", "EUR") == Money(1234, "EUR")
    assert Money(5000, "XOF").as_decimal_text() == "5000.00"
    assert Money(1234, "EUR").as_decimal_text() == "12.34"


def test_refuses_mixed_currencies_and_excess_precision() -> None:
    with pytest.raises(InvalidInput):
        Money(1, "XOF") + Money(1, "EUR")
    with pytest.raises(InvalidInput):
        Money.parse("10.5", "XOF")


@pytest.mark.parametrize("text", ["Infinity", "-Infinity", "NaN", "sNaN", "abc", "", "1e999999",
                                  "-9223372036854775808"])
def test_what_is_not_an_amount_is_refused_as_input(text: str) -> None:
    with pytest.raises(InvalidInput):
        Money.parse(text, "XOF")


def test_the_largest_amount_a_column_holds_is_read() -> None:
    assert Money.parse("9223372036854775807", "XOF").minor == 2**63 - 1
