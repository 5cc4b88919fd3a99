"""Ticket sales rules: what is on sale, a ticket's life, check-in, short codes, the organiser's report."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.payments.policies import CommissionPolicy
from domain.shared.errors import InvalidInput
from domain.shared.money import Money
from domain.ticketing.model import AccessType, EventStatus
from domain.ticketing.sales import (
    IMPLICIT_TYPE_NAME,
    SHORT_CODE_ALPHABET,
    Order,
    OrderStatus,
    SaleableEvent,
    Ticket,
    TicketStatus,
    TicketType,
    check_quantity,
    implicit_type,
    new_tickets,
    normalize_short_code,
    sales_report,
)
from domain.ticketing.sales_errors import AlreadyCheckedIn, NotOnSale, TicketInvalid

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
EVENT = SaleableEvent(id=3, organiser_id=10, title="Festival", status=EventStatus.VALIDATED,
                      starts_at=NOW + timedelta(days=2), ends_at=NOW + timedelta(days=3), access=AccessType.PAID,
                      price=Money(5000, "XOF"), capacity=100, scanners=frozenset({11}))


def a_type(**changes: object) -> TicketType:
    fields: dict[str, object] = dict(event_id=3, name="VIP", price_minor=20_000, currency="XOF", quota_id=1,
                                     capacity=10, id=1)
    fields.update(changes)
    return TicketType(**fields)  # type: ignore[arg-type]


def a_ticket(status: TicketStatus = TicketStatus.PAID, **changes: object) -> Ticket:
    fields: dict[str, object] = dict(uuid=uuid.uuid4(), order_id=1, event_id=3, ticket_type_id=1, owner_id=7,
                                     price_minor=5000, currency="XOF", status=status)
    fields.update(changes)
    return Ticket(**fields)  # type: ignore[arg-type]


def test_an_event_without_types_sells_one_standard_type_from_its_price_and_capacity() -> None:
    standard = implicit_type(EVENT, quota_id=4)
    assert (standard.name, standard.price, standard.capacity, standard.implicit) == (
        IMPLICIT_TYPE_NAME, Money(5000, "XOF"), 100, True)
    free = implicit_type(replace(EVENT, access=AccessType.FREE, price=None, capacity=None), quota_id=5)
    assert free.price == Money(0, "XOF") and free.capacity is None


@pytest.mark.parametrize(("event", "ticket_type", "message"), [
    (replace(EVENT, status=EventStatus.PENDING), a_type(), "pas en vente"),
    (replace(EVENT, status=EventStatus.CANCELLED), a_type(), "pas en vente"),
    (replace(EVENT, ends_at=NOW), a_type(), "terminé"),
    (replace(EVENT, access=AccessType.INVITATION), a_type(), "invitation"),
    (EVENT, a_type(sale_starts=NOW + timedelta(hours=1)), "pas commencé"),
    (EVENT, a_type(sale_ends=NOW), "close"),
])
def test_what_cannot_be_bought_now(event: SaleableEvent, ticket_type: TicketType, message: str) -> None:
    with pytest.raises(NotOnSale, match=message):
        ticket_type.check_on_sale(event, NOW)


def test_a_type_of_another_event_and_a_bad_quantity_are_refused() -> None:
    with pytest.raises(InvalidInput) as wrong:
        a_type(event_id=4).check_on_sale(EVENT, NOW)
    assert "ticket_type_id" in wrong.value.details
    a_type(sale_starts=NOW, sale_ends=NOW + timedelta(seconds=1)).check_on_sale(EVENT, NOW)
    for quantity in (0, 11, -1, True):
        with pytest.raises(InvalidInput) as bad:
            check_quantity(quantity)
        assert "quantity" in bad.value.details
    check_quantity(1)
    check_quantity(10)


def test_an_order_makes_one_pending_ticket_per_seat() -> None:
    order = Order(reference=uuid.uuid4(), event_id=3, ticket_type_id=1, buyer_id=7, quantity=3,
                  unit_price_minor=5000, currency="XOF", created_at=NOW, hold_until=NOW + timedelta(minutes=15), id=9)
    tickets = new_tickets(order, [uuid.uuid4() for _ in range(3)])
    assert order.total == Money(15_000, "XOF") and order.status is OrderStatus.HELD
    assert {(t.status, t.owner_id, t.order_id, t.price_minor) for t in tickets} == {
        (TicketStatus.PENDING, 7, 9, 5000)}
    assert order.hold_key == f"ticket:{order.reference}"
    with pytest.raises(InvalidInput):
        replace(order, quantity=11)


def test_check_in_lets_a_paid_ticket_in_once_and_says_when_it_was_used() -> None:
    ticket = a_ticket()
    ticket.check_in(3, scanner_id=11, now=NOW)
    assert (ticket.status, ticket.used_at, ticket.used_by) == (TicketStatus.USED, NOW, 11)
    with pytest.raises(AlreadyCheckedIn) as again:
        ticket.check_in(3, scanner_id=10, now=NOW + timedelta(minutes=5))
    assert again.value.used_at == NOW and again.value.details == {"used_at": [NOW.isoformat()]}


@pytest.mark.parametrize(("ticket", "reason"), [
    (a_ticket(event_id=4), "autre événement"),
    (a_ticket(TicketStatus.PENDING), "non payé"),
    (a_ticket(TicketStatus.CANCELLED), "annulé"),
    (a_ticket(TicketStatus.REFUNDED), "annulé"),
])
def test_check_in_refuses_what_is_not_a_valid_ticket_of_this_event(ticket: Ticket, reason: str) -> None:
    with pytest.raises(TicketInvalid, match=reason):
        ticket.check_in(3, scanner_id=11, now=NOW)
    assert ticket.used_at is None


def test_a_ticket_is_issued_once_paid_and_a_used_one_is_never_refunded() -> None:
    ticket = a_ticket(TicketStatus.PENDING)
    ticket.issue("SV1.secret", "ABCD2345", NOW)
    assert (ticket.status, ticket.issued) == (TicketStatus.PAID, True)
    with pytest.raises(InvalidInput):
        ticket.issue("again", "ABCD2346", NOW)
    ticket.check_in(3, 11, NOW)
    assert not ticket.refund() and ticket.status is TicketStatus.USED
    ticket.void()
    assert ticket.status is TicketStatus.USED


def test_only_the_organiser_and_named_scanners_scan() -> None:
    assert EVENT.may_scan(10) and EVENT.may_scan(11) and not EVENT.may_scan(12)


def test_short_codes_are_read_as_typed_and_never_ambiguous() -> None:
    assert not set("0O1IL") & set(SHORT_CODE_ALPHABET)
    assert normalize_short_code("abcd-2345") == "ABCD2345"
    assert normalize_short_code(" ABCD 2345 ") == "ABCD2345"
    for bad in ("ABCD234", "ABCD23456", "ABCD2340", "SV1.xyz", ""):
        assert normalize_short_code(bad) is None


def test_the_sales_report_counts_sold_and_checked_in_and_takes_the_commission_per_order() -> None:
    policy = CommissionPolicy()

    def split(amount: Money) -> tuple[Money, Money]:
        return policy.split(amount, policy.default_ticket_rate_bps)

    standard, vip = a_type(id=1, name="Standard", price_minor=5005), a_type(id=2, name="VIP", price_minor=20_000)
    tickets = [
        a_ticket(order_id=1, ticket_type_id=1, price_minor=5005),
        a_ticket(TicketStatus.USED, order_id=1, ticket_type_id=1, price_minor=5005),
        a_ticket(order_id=2, ticket_type_id=1, price_minor=5005),
        a_ticket(TicketStatus.PENDING, order_id=3, ticket_type_id=1, price_minor=5005),
        a_ticket(TicketStatus.REFUNDED, order_id=4, ticket_type_id=2, price_minor=20_000),
    ]
    report = sales_report(3, [standard, vip], tickets, split)
    first, second = report.lines
    assert (first.sold, first.checked_in, first.revenue.minor) == (3, 1, 15_015)
    # Orders of 10 010 and 5 005: 1 001 + 501 (half up on each), as payments charged them.
    assert (first.commission.minor, first.net.minor) == (1_502, 13_513)
    assert (second.sold, second.revenue.minor, second.commission.minor) == (0, 0, 0)
    assert report.total("sold") == 3 and report.total("net") == 13_513


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(0, 50_000), st.sampled_from(list(TicketStatus))),
                max_size=30), st.integers(0, 10_000))
def test_commission_and_net_always_make_the_revenue(orders: list[tuple[int, int, TicketStatus]], rate: int) -> None:
    policy = CommissionPolicy()
    tickets = [a_ticket(status, order_id=i, price_minor=price) for i, (n, price, status) in enumerate(orders)
               for _ in range(n)]
    report = sales_report(3, [a_type(id=1)], tickets, lambda amount: policy.split(amount, rate))
    line = report.lines[0]
    assert line.commission.minor + line.net.minor == line.revenue.minor
    assert line.sold == sum(n for n, _, s in orders if s in {TicketStatus.PAID, TicketStatus.USED})
    assert line.checked_in <= line.sold
