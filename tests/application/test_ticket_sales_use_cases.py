"""Ticket sales use cases on memory adapters: purchase under the quota, payment outcomes, late payments, check-in,
reports, QR codes, cancellation; and the whole path through the payments use cases with the real purpose owner."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.memory.ticketing_sales import MemoryOrders, MemorySaleRefunds
from application.payments.charges import InitiatePaymentCommand, PaymentCommand
from application.ticketing.sales import queries, services
from application.ticketing.sales.checkin import CheckIn, CheckInCommand
from application.ticketing.sales.ports import PaymentOutcome, SalesConfig, TicketSigner
from domain.payments.model import PaymentMethod, PaymentStatus, PaymentType, RefundReason, RefundStatus
from domain.shared.actor import Actor
from domain.shared.errors import Forbidden, InvalidInput, NotFound
from domain.shared.money import Money
from domain.shared.quota import QuotaExceeded
from domain.ticketing.model import AccessType, EventStatus
from domain.ticketing.sales import OrderStatus, TicketStatus
from domain.ticketing.sales_errors import AlreadyCheckedIn, NotOnSale, TicketInvalid
from tests.application.payments_world import ADMIN as PAYMENTS_ADMIN
from tests.application.payments_world import PAYER, PaymentWorld
from tests.application.sales_world import ADMIN, BUYER, ORGANISER, OTHER, SCANNER, SalesWorld

OK, FAILED, REFUNDED = PaymentOutcome.SUCCEEDED, PaymentOutcome.FAILED, PaymentOutcome.REFUNDED


@pytest.fixture
def world() -> SalesWorld:
    return SalesWorld()


def rows(world: SalesWorld) -> dict[str, int]:
    return {name: len(table) for name, table in world.store.rows.items() if name.startswith(("ticketing_", "quota"))}


async def test_a_purchase_holds_its_seats_and_answers_what_to_pay(world: SalesWorld) -> None:
    event = world.event(capacity=5)
    view = await world.purchase(event, 3)
    assert view.amount == Money(15_000, "XOF") and not view.free
    assert view.hold_until == world.clock.now() + SalesConfig().hold_lifetime
    assert {t.status for t in await world.tickets_of(view)} == {TicketStatus.PENDING}
    assert await world.available(event) == 2
    with pytest.raises(QuotaExceeded, match="Plus que 2"):
        await world.purchase(event, 3, actor=OTHER)


async def test_what_is_not_on_sale_writes_nothing(world: SalesWorld) -> None:
    event = world.event(access=AccessType.INVITATION)
    before = rows(world)
    with pytest.raises(NotOnSale):
        await world.purchase(event)
    assert {k: v for k, v in rows(world).items() if v} == {k: v for k, v in before.items() if v} | {
        "quotas": 1, "ticketing_ticket_types": 1}  # only the event's standard type, created on first use


@pytest.mark.parametrize("status", [EventStatus.DRAFT, EventStatus.PENDING, EventStatus.REJECTED,
                                    EventStatus.CANCELLED])
async def test_an_event_the_public_cannot_see_is_not_found_and_nothing_is_written(
        world: SalesWorld, status: EventStatus) -> None:
    event = world.event(status=status)
    before = rows(world)
    with pytest.raises(NotFound):
        await world.purchase(event)
    assert {k: v for k, v in rows(world).items() if v} == {k: v for k, v in before.items() if v}
    for who_sees_it in (ORGANISER, ADMIN):  # the organiser and admins see it: it is only not on sale
        with pytest.raises(NotOnSale):
            await world.purchase(event, actor=who_sees_it)


async def test_bad_purchases_are_refused_and_a_sold_out_one_writes_nothing(world: SalesWorld) -> None:
    event = world.event(capacity=2)
    for quantity in (0, 11):
        with pytest.raises(InvalidInput) as bad:
            await world.purchase(event, quantity)
        assert "quantity" in bad.value.details
    with pytest.raises(NotFound):
        await world.call(services.PurchaseTickets, services.PurchaseCommand(BUYER, 999, 1, method="MOMO_MTN"))
    await world.purchase(event, 2)
    before = rows(world)
    with pytest.raises(QuotaExceeded, match="Complet"):
        await world.purchase(event, 1, actor=OTHER)
    assert rows(world) == before


async def test_a_free_event_issues_its_tickets_at_once(world: SalesWorld) -> None:
    event = world.event(access=AccessType.FREE, price=None, capacity=3)
    view = await world.purchase(event, 2)
    assert view.free and view.amount == Money(0, "XOF") and view.hold_until is None
    tickets = await world.tickets_of(view)
    assert {t.status for t in tickets} == {TicketStatus.PAID}
    assert all(t.secret and t.short_code for t in tickets)
    assert await world.available(event) == 1
    with pytest.raises(InvalidInput, match="attend plus"):
        await world.owner().quote(str(view.reference), BUYER.user_id)


async def test_a_successful_payment_issues_signed_tickets_with_unique_short_codes(world: SalesWorld) -> None:
    event = world.event()
    first = await world.purchase(event, 2)
    taken = "ABCD2345"
    world.codes.script = [taken, taken, "WXYZ6789"]  # the second draw collides within the order
    assert await world.settle(first, OK, uuid.uuid4())
    tickets = await world.tickets_of(first)
    assert {t.status for t in tickets} == {TicketStatus.PAID}
    assert sorted(t.short_code or "" for t in tickets) == ["ABCD2345", "WXYZ6789"]
    signer = await world.resolve(TicketSigner)
    key = await world.call(queries.TicketKey, queries.EventCommand(ORGANISER, event.id))
    assert {signer.verify(t.secret, key).ticket_uuid for t in tickets} == set(first.tickets)
    second = await world.purchase(event, 1, actor=OTHER)
    world.codes.script = [taken, "QRST2345"]  # taken by the first order: drawn again
    await world.settle(second, OK, uuid.uuid4())
    [ticket] = await world.tickets_of(second)
    assert ticket.short_code == "QRST2345"


async def test_a_failed_payment_frees_the_seats_and_the_same_success_twice_counts_once(world: SalesWorld) -> None:
    event = world.event(capacity=2)
    failed = await world.purchase(event, 2)
    assert await world.settle(failed, FAILED, uuid.uuid4())
    assert {t.status for t in await world.tickets_of(failed)} == {TicketStatus.CANCELLED}
    assert await world.available(event) == 2
    paid, payment = await world.purchase(event, 2, actor=OTHER), uuid.uuid4()
    assert await world.settle(paid, OK, payment) and await world.settle(paid, OK, payment)
    assert world.quotas().snapshot(1).sold == 2
    assert not await world.settle(paid, OK, uuid.uuid4())  # another payment for a paid order: refunded


async def test_expired_holds_free_seats_and_a_late_payment_buys_them_only_if_still_free(world: SalesWorld) -> None:
    event = world.event(capacity=3)
    slow = await world.purchase(event, 2)
    world.clock.advance(minutes=16)
    assert await world.call(services.ExpireHolds) == 1
    assert await world.call(services.ExpireHolds) == 0
    assert await world.available(event) == 3
    assert {t.status for t in await world.tickets_of(slow)} == {TicketStatus.CANCELLED}
    assert await world.settle(slow, OK, uuid.uuid4())  # seats still free: sold after all
    assert {t.status for t in await world.tickets_of(slow)} == {TicketStatus.PAID}

    late = await world.purchase(event, 1)
    world.clock.advance(minutes=16)  # expired, not yet swept by the cron
    await world.purchase(event, 1, actor=OTHER)
    assert not await world.settle(late, OK, uuid.uuid4())  # gone: payments keeps the money and refunds it
    order = await MemoryOrders(world.store).get(late.reference)
    assert order is not None and order.status is OrderStatus.OVERSOLD and order.flag_reason
    assert {t.status for t in await world.tickets_of(late)} == {TicketStatus.CANCELLED}
    assert world.quotas().snapshot(1).sold == 2


async def test_the_quote_is_the_buyers_only_and_only_while_the_order_can_be_honoured(world: SalesWorld) -> None:
    event = world.event(capacity=2)
    view = await world.purchase(event, 2)
    owner = world.owner()
    quote = await owner.quote(str(view.reference), BUYER.user_id)
    assert (quote.amount, quote.beneficiary_id, quote.commission_rate_bps) == (Money(10_000, "XOF"), 10, None)
    for reference, payer in ((str(view.reference), OTHER.user_id), ("not-a-uuid", BUYER.user_id),
                             (str(uuid.uuid4()), BUYER.user_id)):
        with pytest.raises(NotFound):
            await owner.quote(reference, payer)
    await world.settle(view, OK, uuid.uuid4())
    with pytest.raises(InvalidInput):
        await owner.quote(str(view.reference), BUYER.user_id)


async def test_the_buyer_may_abandon_a_purchase_not_paid_yet(world: SalesWorld) -> None:
    event = world.event(capacity=1)
    view = await world.purchase(event)
    with pytest.raises(NotFound):
        await world.call(services.AbandonPurchase, services.OrderCommand(OTHER, view.reference))
    await world.call(services.AbandonPurchase, services.OrderCommand(BUYER, view.reference))
    assert await world.available(event) == 1
    with pytest.raises(InvalidInput):
        await world.call(services.AbandonPurchase, services.OrderCommand(BUYER, view.reference))


async def test_check_in_by_qr_or_short_code_lets_a_ticket_in_once(world: SalesWorld) -> None:
    event = world.event()
    view = await world.purchase(event, 2)
    await world.settle(view, OK, uuid.uuid4())
    by_qr, by_code = await world.tickets_of(view)
    assert by_qr.secret and by_code.short_code
    entered = await world.check_in(event, by_qr.secret)
    assert entered.ticket.status is TicketStatus.USED and entered.ticket.used_by == SCANNER.user_id
    assert entered.event_title == "Festival de Jazz" and not entered.repeated
    world.clock.advance(minutes=3)
    with pytest.raises(AlreadyCheckedIn) as again:
        await world.check_in(event, by_qr.secret, actor=ORGANISER)
    assert again.value.used_at == entered.ticket.used_at
    typed = by_code.short_code.lower()[:4] + "-" + by_code.short_code[4:]
    assert (await world.check_in(event, typed, actor=ORGANISER)).ticket.used_by == ORGANISER.user_id


async def test_a_retried_scan_with_its_nonce_is_one_entry(world: SalesWorld) -> None:
    event = world.event()
    view = await world.purchase(event, 2)
    await world.settle(view, OK, uuid.uuid4())
    first, second = await world.tickets_of(view)
    assert first.secret and second.secret
    once = await world.check_in(event, first.secret, nonce="scan-1")
    retried = await world.check_in(event, first.secret, nonce="scan-1")
    assert retried.repeated and retried.ticket.used_at == once.ticket.used_at
    with pytest.raises(AlreadyCheckedIn):
        await world.check_in(event, first.secret, nonce="scan-2")
    # "scan-2" was refused, so it was not recorded: it may name the next scan.
    assert not (await world.check_in(event, second.secret, nonce="scan-2")).repeated
    assert (await world.check_in(event, first.secret, nonce="scan-1")).ticket.uuid == first.uuid


async def test_forged_foreign_unpaid_codes_and_strangers_are_refused(world: SalesWorld) -> None:
    event, other_event = world.event(), world.event()
    paid = await world.purchase(other_event)
    await world.settle(paid, OK, uuid.uuid4())
    [foreign] = await world.tickets_of(paid)
    pending = await world.purchase(event)
    [unpaid] = await world.tickets_of(pending)
    assert foreign.secret and foreign.short_code
    for code in (foreign.secret, foreign.short_code, "SV1." + "A" * 118, "ABCD2345", "", "x" * 600):
        with pytest.raises(TicketInvalid):
            await world.check_in(event, code)
    assert unpaid.secret is None
    with pytest.raises(Forbidden):
        await world.check_in(other_event, foreign.secret, actor=OTHER)
    with pytest.raises(Forbidden):
        await world.call(queries.TicketKey, queries.EventCommand(BUYER, event.id))
    with pytest.raises(NotFound):
        await world.call(CheckIn, CheckInCommand(SCANNER, 999, foreign.secret))


async def test_the_sales_report_is_the_organisers_with_the_one_commission_policy(world: SalesWorld) -> None:
    event = world.event(price=Money(5005, "XOF"))
    for quantity in (2, 1):
        view = await world.purchase(event, quantity)
        await world.settle(view, OK, uuid.uuid4())
    await world.purchase(event, 3)  # pending: not sold
    [used, *_] = await world.tickets_of(view)
    assert used.secret
    await world.check_in(event, used.secret)
    report = await world.call(queries.SalesReportQuery, queries.EventCommand(ORGANISER, event.id))
    [line] = report.lines
    assert (line.name, line.sold, line.checked_in, line.revenue.minor) == ("Standard", 3, 1, 15_015)
    assert (line.commission.minor, line.net.minor) == (1_001 + 501, 15_015 - 1_502)  # 10 %, per payment
    assert (await world.call(queries.SalesReportQuery, queries.EventCommand(ADMIN, event.id))).lines == [line]
    for stranger in (BUYER, SCANNER):
        with pytest.raises(Forbidden):
            await world.call(queries.SalesReportQuery, queries.EventCommand(stranger, event.id))


async def test_my_tickets_and_their_qr_codes_are_their_owners_only(world: SalesWorld) -> None:
    event = world.event(title="Concert de Rock")
    paid, pending = await world.purchase(event), await world.purchase(event)
    await world.settle(paid, OK, uuid.uuid4())
    mine = await world.call(queries.MyTickets, BUYER)
    assert [(t.uuid, t.status, t.event_title, t.price) for t in mine] == [
        (pending.tickets[0], TicketStatus.PENDING, "Concert de Rock", Money(5000, "XOF")),
        (paid.tickets[0], TicketStatus.PAID, "Concert de Rock", Money(5000, "XOF"))]
    assert mine[0].short_code is None and mine[1].short_code
    assert await world.call(queries.MyTickets, OTHER) == []
    png = await world.call(queries.TicketQr, queries.TicketCommand(BUYER, paid.tickets[0]))
    assert png.startswith(b"\x89PNG")
    for actor, ticket in ((OTHER, paid.tickets[0]), (BUYER, pending.tickets[0]), (BUYER, uuid.uuid4())):
        with pytest.raises(NotFound):
            await world.call(queries.TicketQr, queries.TicketCommand(actor, ticket))


async def test_a_cancelled_event_cancels_unpaid_orders_and_refunds_paid_ones_once(world: SalesWorld) -> None:
    event = world.event(capacity=10)
    paid, held = await world.purchase(event, 2), await world.purchase(event, 1, actor=OTHER)
    payment = uuid.uuid4()
    await world.settle(paid, OK, payment)
    assert await world.call(queries.SoldTickets, event.id) == 3
    for _ in range(2):
        await world.call(services.CancelEventSales, {"event_id": event.id})
    assert MemorySaleRefunds(world.store).asked == {payment: "Événement annulé par l'organisateur"}
    assert {t.status for t in await world.tickets_of(paid)} == {TicketStatus.REFUNDED}
    assert {t.status for t in await world.tickets_of(held)} == {TicketStatus.CANCELLED}
    assert await world.call(queries.SoldTickets, event.id) == 0
    assert world.quotas().snapshot(1).held(world.clock.now()) == 0
    world.events.put(replace(event, status=EventStatus.CANCELLED))
    assert not await world.settle(held, OK, uuid.uuid4())  # paid after the cancellation: refunded


async def test_a_refund_gives_the_seats_back(world: SalesWorld) -> None:
    event = world.event(capacity=2)
    view, payment = await world.purchase(event, 2), uuid.uuid4()
    await world.settle(view, OK, payment)
    assert await world.available(event) == 0
    assert await world.settle(view, REFUNDED, uuid.uuid4())  # another payment's refund: not this order's
    assert await world.available(event) == 0
    assert await world.settle(view, REFUNDED, payment)
    assert {t.status for t in await world.tickets_of(view)} == {TicketStatus.REFUNDED}
    assert await world.available(event) == 2


async def test_ticket_types_each_sell_their_own_quota(world: SalesWorld) -> None:
    event = world.event(capacity=None)
    define = services.DefineTicketType

    async def offer(name: str, price: int, capacity: int | None) -> int:
        made = await world.call(define, services.DefineTicketTypeCommand(
            ORGANISER, event.id, name, Money(price, "XOF"), capacity))
        assert made.id is not None
        return int(made.id)

    with pytest.raises(Forbidden):
        await world.call(define, services.DefineTicketTypeCommand(BUYER, event.id, "VIP", Money(1, "XOF"), 1))
    vip = await offer("VIP", 20_000, 2)
    assert (await world.purchase(event, 2)).amount == Money(40_000, "XOF")  # the only type: chosen for you
    standard = await offer("Standard", 5000, None)
    with pytest.raises(InvalidInput) as unnamed:
        await world.purchase(event)
    assert "ticket_type_id" in unnamed.value.details
    with pytest.raises(QuotaExceeded):
        await world.purchase(event, ticket_type_id=vip)
    assert (await world.purchase(event, 3, ticket_type_id=standard)).amount == Money(15_000, "XOF")
    with pytest.raises(InvalidInput):
        await world.purchase(event, ticket_type_id=999)
    with pytest.raises(InvalidInput):
        await offer("vip", 1, 1)
    availability = await world.call(queries.Availability, event.id)
    assert availability.places_left is None
    assert [(t.name, t.price.minor, t.capacity, t.available) for t in availability.types] == [
        ("VIP", 20_000, 2, 0), ("Standard", 5000, None, None)]


async def test_the_standard_type_follows_the_events_price_and_capacity(world: SalesWorld) -> None:
    event = world.event(capacity=3)
    shown = await world.call(queries.Availability, event.id)
    assert (shown.places_left, shown.types[0].id, shown.types[0].name) == (3, None, "Standard")
    await world.purchase(event, 2)
    world.events.put(replace(event, capacity=5, price=Money(6000, "XOF")))
    view = await world.purchase(world.events.events[event.id], 3)
    assert view.amount == Money(18_000, "XOF")
    assert await world.available(event) == 0


# ------------------------------------------------------------------ through the payments use cases


@pytest.fixture
def paying() -> tuple[PaymentWorld, SalesWorld]:
    payments = PaymentWorld()
    return payments, SalesWorld.with_payments(payments)


async def pay(payments: PaymentWorld, view: services.PurchaseView, payer: Actor = PAYER) -> uuid.UUID:
    started = await payments.initiate(InitiatePaymentCommand(
        actor=payer, payment_type=PaymentType.TICKET, method=PaymentMethod.MTN, reference=str(view.reference),
        phone="+2290197000000"))
    payment = await payments.payment(started.uuid)
    payments.mtn.settle(payment.provider_reference or "")
    await payments.verify(PaymentCommand(payer, payment.uuid))
    await payments.run_jobs()
    return payment.uuid


async def test_a_ticket_paid_through_payments_is_issued(paying: tuple[PaymentWorld, SalesWorld]) -> None:
    payments, sales = paying
    event = sales.event(capacity=2)
    view = await sales.purchase(event, 2, actor=BUYER)
    payment_uuid = await pay(payments, view)
    payment = await payments.payment(payment_uuid)
    assert (payment.amount_minor, payment.fees_minor, payment.beneficiary_id) == (10_000, 1_000, 10)
    assert {t.status for t in await sales.tickets_of(view)} == {TicketStatus.PAID}
    assert not payment.flagged_for_refund


async def test_a_late_payment_for_seats_gone_is_kept_flagged_and_offered_back(
        paying: tuple[PaymentWorld, SalesWorld]) -> None:
    payments, sales = paying
    event = sales.event(capacity=1)
    late = await sales.purchase(event, 1, actor=BUYER)
    started = await payments.initiate(InitiatePaymentCommand(
        actor=PAYER, payment_type=PaymentType.TICKET, method=PaymentMethod.MTN, reference=str(late.reference),
        phone="+2290197000000"))
    payments.clock.advance(minutes=20)
    await sales.call(services.ExpireHolds)
    await pay(payments, await sales.purchase(event, 1, actor=OTHER), OTHER)
    payment = await payments.payment(started.uuid)
    payments.mtn.settle(payment.provider_reference or "")
    await payments.verify(PaymentCommand(PAYER, payment.uuid))
    await payments.run_jobs()
    flagged = await payments.payment(started.uuid)
    assert flagged.status is PaymentStatus.SUCCEEDED and flagged.flagged_for_refund
    refunds = await payments.queries.all_refunds(PAYMENTS_ADMIN, None, 10, 0)
    assert [(r.payment_uuid, r.status, r.reason, r.amount_minor) for r in refunds] == [
        (started.uuid, RefundStatus.REQUESTED, RefundReason.LATE_PAYMENT, 5000)]
    assert {t.status for t in await sales.tickets_of(late)} == {TicketStatus.CANCELLED}


async def test_a_cancelled_event_opens_a_refund_of_each_paid_order_in_payments(
        paying: tuple[PaymentWorld, SalesWorld]) -> None:
    payments, sales = paying
    event = sales.event()
    view = await sales.purchase(event, 2, actor=BUYER)
    payment_uuid = await pay(payments, view)
    for _ in range(2):
        await sales.call(services.CancelEventSales, {"event_id": event.id})
        await payments.relay()
    refunds = await payments.queries.all_refunds(PAYMENTS_ADMIN, None, 10, 0)
    assert [(r.payment_uuid, r.amount_minor) for r in refunds] == [(payment_uuid, 10_000)]


# ------------------------------------------------------------------ random interleavings


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["buy", "buy", "pay", "pay", "fail", "wait", "expire", "refund",
                                           "cancel_event"]), st.integers(1, 3), st.integers(0, 30)), max_size=40))
async def test_no_interleaving_ever_oversells(steps: list[tuple[str, int, int]]) -> None:
    world = SalesWorld()
    capacity = 3  # small, so that late payments often find their seats gone
    event = world.event(capacity=capacity)
    orders: list[services.PurchaseView] = []
    payments: dict[uuid.UUID, uuid.UUID] = {}
    for action, n, pick in steps:
        chosen = orders[pick % len(orders)] if orders else None
        if action == "buy":
            try:
                orders.append(await world.purchase(event, n))
            except (QuotaExceeded, NotOnSale, NotFound):  # NotFound: cancelled, the public no longer sees it
                pass
        elif action in {"pay", "fail"} and chosen is not None:
            payment = payments.setdefault(chosen.reference, uuid.uuid4())
            await world.settle(chosen, OK if action == "pay" else FAILED, payment)
        elif action == "refund" and chosen is not None and chosen.reference in payments:
            await world.settle(chosen, REFUNDED, payments[chosen.reference])
        elif action == "wait":
            world.clock.advance(minutes=n * 8)
        elif action == "expire":
            await world.call(services.ExpireHolds)
        elif action == "cancel_event" and pick % 10 == 0:
            await world.call(services.CancelEventSales, {"event_id": event.id})
            world.events.put(replace(event, status=EventStatus.CANCELLED))
        tickets = [t for view in orders for t in await world.tickets_of(view)]
        issued = sum(t.status in {TicketStatus.PAID, TicketStatus.USED} for t in tickets)
        quota = world.quotas().snapshot(1) if orders else None
        available = await world.available(event)
        assert available is not None and 0 <= available <= capacity
        if quota is not None:
            assert quota.sold == issued <= capacity
            assert quota.sold + quota.held(world.clock.now()) + available == capacity
