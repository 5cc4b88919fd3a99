"""/api/payments/ refunds and the administrators' views on the wire: request, approve (the operator pays back,
the reconciler closes), reject, manual completion, and stats / transactions / commissions / ledger."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest
from dishka import Provider

from application.payments.refunds import MANUAL
from domain.payments.model import PaymentStatus, RefundStatus
from tests.http.conftest import Api
from tests.http.spotvibe.helpers import error
from tests.http.spotvibe.payment_helpers import (
    ADMIN_REFUNDS,
    COMMISSIONS,
    ISO,
    LEDGER,
    MTN_FAILED,
    MTN_PENDING,
    PAYMENTS,
    REFUNDS,
    SETTINGS,
    STATS,
    SUMMARY,
    TRANSACTIONS,
    VERIFY,
    Shop,
    deliveries,
    override,
    payment_jobs,
    register_jobs,
    reset,
    start_fakes,
    until,
)
from tests.payments_support import FakeProviders, TicketsForSale


@pytest.fixture(scope="module")
def fakes() -> Iterator[FakeProviders]:
    yield from start_fakes()


@pytest.fixture
def tickets() -> TicketsForSale:
    return TicketsForSale()


@pytest.fixture
def extra_providers(fakes: FakeProviders, tickets: TicketsForSale) -> list[Provider]:
    reset(fakes)
    return override(fakes.registry, tickets)


@pytest.fixture
def settings_changes() -> dict[str, Any]:
    return dict(SETTINGS)


@pytest.fixture
def shop(api: Api, fakes: FakeProviders, tickets: TicketsForSale) -> Shop:
    register_jobs(api)
    return Shop(api, fakes, tickets)


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def refund_path(refund_id: int, action: str = "") -> str:
    return f"{REFUNDS}{refund_id}/" + (f"{action}/" if action else "")


async def orange_paid(shop: Shop, who: Any) -> dict[str, Any]:
    """An Orange Money payment: the payer presses "Payer" on the fake's page, the notification is replayed."""
    started = await shop.started(who, methode_paiement="ORANGE_MONEY", telephone_paiement=None)
    web = shop.fakes.orange.payment(f"{started['reference']}-1")
    async with httpx.AsyncClient() as browser:
        assert (await browser.post(started["payment_url"], data={"action": "pay"})).status_code == 303
    [delivery] = await deliveries(shop.fakes.orange, matching=lambda d: web.notif_token.encode() in d.body)
    assert (await shop.replay(delivery)).json()["outcome"] == "applied"
    await shop.api.run_jobs()
    return started


# --- requesting a refund -------------------------------------------------------------------------------------

async def test_a_payer_asks_for_a_refund_of_the_net_amount_by_default(shop: Shop) -> None:
    awa = await shop.user()
    paid = await shop.mtn_paid(awa)
    asked = ok(await shop.post(REFUNDS, awa, {"payment_uuid": paid["payment_uuid"], "raison": "ANNULATION_EVENT",
                                              "description": "Événement annulé par l'organisateur."}), 201)
    assert asked == {
        "id": asked["id"], "payment_original": {"uuid": paid["payment_uuid"], "montant": "5000.00"},
        "demandeur": {"id": awa.id, "username": "awa"}, "montant_remboursement": "4500.00",
        "raison": "ANNULATION_EVENT", "description": "Événement annulé par l'organisateur.", "statut": "DEMANDE",
        "date_demande": asked["date_demande"], "date_decision": None, "date_remboursement": None, "note": "",
    }
    assert isinstance(asked["id"], int) and ISO.match(asked["date_demande"])
    assert ok(await shop.get(refund_path(asked["id"]), awa)) == asked
    assert ok(await shop.get(REFUNDS, awa)) == [{
        "id": asked["id"], "payment_original_uuid": paid["payment_uuid"], "montant_remboursement": "4500.00",
        "statut": "DEMANDE", "date_demande": asked["date_demande"]}]

    # The same money twice: refused, whatever the amount asked beyond what is left.
    error(await shop.post(REFUNDS, awa, {"payment_uuid": paid["payment_uuid"]}), 400, "montant_remboursement")
    error(await shop.post(REFUNDS, awa, {"payment_uuid": paid["payment_uuid"], "montant_remboursement": 501}),
          400, "montant_remboursement")
    assert (await shop.counts())["refunds"] == 1
    rest = ok(await shop.post(REFUNDS, awa, {"payment_uuid": paid["payment_uuid"], "raison": "AUTRE",
                                             "montant_remboursement": "500"}), 201)
    assert rest["montant_remboursement"] == "500.00" and rest["raison"] == "AUTRE"
    assert (await shop.detail(awa, paid["payment_uuid"]))["statut"] == "REUSSI"  # asking moves no money


async def test_bad_refund_requests_are_refused_and_write_nothing(shop: Shop) -> None:
    awa, ben = await shop.user("awa"), await shop.user("ben")
    paid = await shop.mtn_paid(awa)
    pending = await shop.started(awa, telephone_paiement=MTN_PENDING)
    failed = await shop.started(awa, telephone_paiement=MTN_FAILED)
    ok(await shop.post(VERIFY, awa, {"payment_uuid": failed["payment_uuid"]}))
    uuid = paid["payment_uuid"]
    for body, status, field in [
        ({"payment_uuid": uuid, "raison": "POUR_RIRE"}, 400, "raison"),
        ({"payment_uuid": uuid, "montant_remboursement": "beaucoup"}, 400, "montant_remboursement"),
        ({"payment_uuid": uuid, "montant_remboursement": 5001}, 400, "montant_remboursement"),
        ({"payment_uuid": uuid, "montant_remboursement": 0}, 400, "montant_remboursement"),
        ({"payment_uuid": uuid, "montant_remboursement": "-10"}, 400, "montant_remboursement"),
        ({"payment_uuid": uuid, "description": 12}, 400, "description"),
        ({"payment_uuid": "pas-un-uuid"}, 400, "payment_uuid"),
        ({}, 400, "payment_uuid"),
        ({"payment_uuid": pending["payment_uuid"]}, 400, ""),
        ({"payment_uuid": failed["payment_uuid"]}, 400, ""),
        ({"payment_uuid": "00000000-0000-4000-8000-000000000000"}, 404, ""),
    ]:
        try:
            error(await shop.post(REFUNDS, awa, body), status, *([field] if field else []))
        except AssertionError as failure:
            raise AssertionError(f"{body}: {failure}") from None
    error(await shop.post(REFUNDS, ben, {"payment_uuid": uuid}), 404)  # not ben's payment
    error(await shop.post(REFUNDS, None, {"payment_uuid": uuid}), 401)
    error(await shop.client.post(REFUNDS, content=b"{", headers={**awa.headers, "Content-Type": "application/json"}),
          400)
    assert (await shop.counts())["refunds"] == 0
    assert ok(await shop.get(REFUNDS, awa)) == [] and await shop.admin_view(ADMIN_REFUNDS) == []


async def test_refunds_are_seen_by_their_requester_and_the_administrators_only(shop: Shop) -> None:
    awa, ben = await shop.user("awa"), await shop.user("ben")
    paid = await shop.mtn_paid(awa)
    asked = ok(await shop.post(REFUNDS, awa, {"payment_uuid": paid["payment_uuid"]}), 201)
    error(await shop.get(refund_path(asked["id"]), ben), 404)
    error(await shop.get(refund_path(asked["id"]), None), 401)
    error(await shop.get(refund_path(999), awa), 404)
    error(await shop.get(REFUNDS, None), 401)
    assert ok(await shop.get(REFUNDS, ben)) == []
    seen = await shop.admin_view(refund_path(asked["id"]))
    assert seen == asked and seen["demandeur"] == {"id": awa.id, "username": "awa"}
    # An administrator also sees the payment itself, with its payer's name.
    payment = await shop.admin_view(f"{PAYMENTS}{paid['payment_uuid']}/")
    assert payment["utilisateur"] == {"id": awa.id, "username": "awa"} and payment["statut"] == "REUSSI"
    error(await shop.get(f"{PAYMENTS}{paid['payment_uuid']}/", ben), 404)


# --- deciding ------------------------------------------------------------------------------------------------

async def test_an_approved_mtn_refund_is_paid_back_by_the_operator_and_closed_by_the_reconciler(shop: Shop) -> None:
    awa, root = await shop.user(), await shop.user("root", admin=True)
    paid = await shop.mtn_paid(awa)
    reference = await shop.attempt_reference(paid["payment_uuid"])
    asked = ok(await shop.post(REFUNDS, awa, {"payment_uuid": paid["payment_uuid"], "raison": "INSATISFACTION"}),
               201)
    waiting = await shop.admin_view(ADMIN_REFUNDS, statut="DEMANDE")
    assert [r["id"] for r in waiting] == [asked["id"]]

    approved = ok(await shop.post(refund_path(asked["id"], "approve"), root, {"note": "Accordé"}))
    assert approved == {"message": "Remboursement approuvé : il est transmis à l'opérateur."}
    assert (await shop.refund(asked["id"])).status is RefundStatus.APPROVED
    assert shop.fakes.mtn.count("/disbursement/v1_0/refund") == 0  # the job does it, not the request

    await shop.api.run_jobs()
    sent = shop.fakes.mtn.last("/disbursement/v1_0/refund")
    assert sent.status == 202, sent.reply
    assert sent.json["referenceIdToRefund"] == reference and sent.json["amount"] == "4500"
    in_progress = ok(await shop.get(refund_path(asked["id"]), awa))
    assert in_progress["statut"] == "EN_COURS" and in_progress["note"] == "Accordé"
    assert ISO.match(in_progress["date_decision"]) and in_progress["date_remboursement"] is None
    assert (await shop.detail(awa, paid["payment_uuid"]))["statut"] == "REUSSI"

    operator_reference = sent.headers["x-reference-id"]
    await until(lambda: shop.fakes.mtn.status_of(operator_reference) == "SUCCESSFUL", what="the MTN refund")
    report = await shop.reconcile()
    assert report.refunds_checked == 1

    done = ok(await shop.get(refund_path(asked["id"]), awa))
    assert done["statut"] == "REMBOURSE" and ISO.match(done["date_remboursement"])
    payment = await shop.detail(awa, paid["payment_uuid"])
    assert payment["statut"] == "REMBOURSE" and payment["montant_rembourse"] == "4500.00"
    assert await shop.ledger() == {"devise": "XOF", "encaisse": "5000.00", "commissions": "500.00",
                                   "net_du": "0.00", "rembourse": "4500.00", "equilibre": True}
    [commission] = await shop.admin_view(COMMISSIONS)
    assert commission["statut"] == "CALCULEE"  # the platform kept its fee: only the net went back
    await shop.api.run_jobs()
    assert shop.tickets.heard[-1] == ("1", UUID(paid["payment_uuid"]), PaymentStatus.REFUNDED)
    assert ok(await shop.get(SUMMARY, awa))["total_spent"] == "500.00"

    # Nothing happens twice: a second reconcile, a second decision, the job again.
    assert (await shop.reconcile()).refunds_checked == 0
    error(await shop.post(refund_path(asked["id"], "approve"), root, {}), 400)
    error(await shop.post(refund_path(asked["id"], "complete"), root, {}), 400)
    await shop.api.run_jobs()
    assert shop.fakes.mtn.count("/disbursement/v1_0/refund") == 1
    assert (await shop.ledger())["rembourse"] == "4500.00"


async def test_a_rejected_refund_moves_no_money_and_frees_the_amount(shop: Shop) -> None:
    awa, root = await shop.user(), await shop.user("root", admin=True)
    paid = await shop.mtn_paid(awa)
    asked = ok(await shop.post(REFUNDS, awa, {"payment_uuid": paid["payment_uuid"]}), 201)
    rejected = ok(await shop.post(refund_path(asked["id"], "reject"), root, {"note": "Hors conditions"}))
    assert rejected == {"message": "Demande de remboursement rejetée."}
    seen = ok(await shop.get(refund_path(asked["id"]), awa))
    assert seen["statut"] == "REJETE" and seen["note"] == "Hors conditions" and ISO.match(seen["date_decision"])

    error(await shop.post(refund_path(asked["id"], "approve"), root), 400)
    error(await shop.post(refund_path(asked["id"], "reject"), root), 400)
    error(await shop.post(refund_path(asked["id"], "complete"), root), 400)
    await shop.api.run_jobs()
    assert shop.fakes.mtn.count("/disbursement/v1_0/refund") == 0
    assert [job[0] for job in payment_jobs(shop.api)] == ["payments_payment_settled"]  # the payment's own
    assert (await shop.detail(awa, paid["payment_uuid"]))["statut"] == "REUSSI"
    assert (await shop.ledger())["rembourse"] == "0.00"
    assert [r["id"] for r in await shop.admin_view(ADMIN_REFUNDS, statut="REJETE")] == [asked["id"]]
    again = ok(await shop.post(REFUNDS, awa, {"payment_uuid": paid["payment_uuid"]}), 201)
    assert again["montant_remboursement"] == "4500.00" and again["statut"] == "DEMANDE"


async def test_an_orange_refund_waits_for_an_administrator_to_record_it_paid(shop: Shop) -> None:
    awa, root = await shop.user(), await shop.user("root", admin=True)
    paid = await orange_paid(shop, awa)
    asked = ok(await shop.post(REFUNDS, awa, {"payment_uuid": paid["payment_uuid"]}), 201)
    error(await shop.post(refund_path(asked["id"], "complete"), root, {"reference": "OM-1"}), 400)  # not approved
    ok(await shop.post(refund_path(asked["id"], "approve"), root))  # no body: the note is optional
    await shop.api.run_jobs()

    manual = ok(await shop.get(refund_path(asked["id"]), awa))
    assert manual["statut"] == "APPROUVE" and manual["note"] == MANUAL
    assert (await shop.detail(awa, paid["payment_uuid"]))["statut"] == "REUSSI"
    assert (await shop.reconcile()).refunds_checked == 0
    assert [r["id"] for r in await shop.admin_view(ADMIN_REFUNDS, statut="APPROUVE")] == [asked["id"]]

    error(await shop.post(refund_path(asked["id"], "complete"), awa, {"reference": "OM-1"}), 403)
    completed = ok(await shop.post(refund_path(asked["id"], "complete"), root, {"reference": "OM-REMB-42"}))
    assert completed == {"message": "Remboursement enregistré comme payé."}
    done = ok(await shop.get(refund_path(asked["id"]), awa))
    assert done["statut"] == "REMBOURSE" and ISO.match(done["date_remboursement"])
    assert (await shop.refund(asked["id"])).provider_reference == "OM-REMB-42"
    payment = await shop.detail(awa, paid["payment_uuid"])
    assert payment["statut"] == "REMBOURSE" and payment["montant_rembourse"] == "4500.00"
    ledger = await shop.ledger()
    assert ledger["equilibre"] is True and ledger["rembourse"] == "4500.00" and ledger["net_du"] == "0.00"
    error(await shop.post(refund_path(asked["id"], "complete"), root), 400)
    assert (await shop.ledger()) == ledger


async def test_a_refunded_payment_takes_no_further_refund_request_from_its_payer(shop: Shop) -> None:
    awa, root = await shop.user(), await shop.user("root", admin=True)
    paid = await orange_paid(shop, awa)
    asked = ok(await shop.post(REFUNDS, awa, {"payment_uuid": paid["payment_uuid"]}), 201)
    ok(await shop.post(refund_path(asked["id"], "approve"), root))
    await shop.api.run_jobs()
    ok(await shop.post(refund_path(asked["id"], "complete"), root, {"reference": "OM-REMB-7"}))
    payment = await shop.detail(awa, paid["payment_uuid"])
    assert payment["statut"] == "REMBOURSE" and payment["montant_rembourse"] == "4500.00"  # 500 left: the fee

    for body in [{"payment_uuid": paid["payment_uuid"]},  # by default, what is left: the fee
                 {"payment_uuid": paid["payment_uuid"], "raison": "AUTRE", "montant_remboursement": "500"}]:
        refused = error(await shop.post(REFUNDS, awa, body), 400)
        assert refused == {"error": "Paiement déjà remboursé : aucune nouvelle demande de remboursement n'est "
                                    "possible"}

    assert (await shop.counts())["refunds"] == 1
    assert [r["id"] for r in ok(await shop.get(REFUNDS, awa))] == [asked["id"]]
    assert (await shop.ledger())["rembourse"] == "4500.00"


async def test_a_purchase_that_cannot_be_delivered_is_offered_back_in_full(shop: Shop) -> None:
    awa = await shop.user()
    shop.tickets.sold_out.add("1")
    paid = await shop.mtn_paid(awa)  # the money came in, but the ticket is gone
    detail = await shop.detail(awa, paid["payment_uuid"])
    assert detail["statut"] == "REUSSI" and detail["a_rembourser"] is True
    [offered] = ok(await shop.get(REFUNDS, awa))
    assert offered["montant_remboursement"] == "5000.00" and offered["statut"] == "DEMANDE"
    assert ok(await shop.get(refund_path(offered["id"]), awa))["raison"] == "PAIEMENT_TARDIF"
    assert [r["id"] for r in await shop.admin_view(ADMIN_REFUNDS)] == [offered["id"]]


# --- administrators only -------------------------------------------------------------------------------------

ADMIN_ONLY = [("GET", ADMIN_REFUNDS), ("GET", STATS), ("GET", TRANSACTIONS), ("GET", COMMISSIONS), ("GET", LEDGER),
              ("POST", refund_path(1, "approve")), ("POST", refund_path(1, "reject")),
              ("POST", refund_path(1, "complete"))]


async def test_administrator_endpoints_refuse_anonymous_callers_and_ordinary_users(shop: Shop) -> None:
    awa = await shop.user()
    paid = await shop.mtn_paid(awa)
    asked = ok(await shop.post(REFUNDS, awa, {"payment_uuid": paid["payment_uuid"]}), 201)
    assert asked["id"] == 1
    for method, path in ADMIN_ONLY:
        body: dict[str, Any] | None = {} if method == "POST" else None
        error(await shop.client.request(method, path, json=body), 401)
        error(await shop.client.request(method, path, json=body, headers=awa.headers), 403)
    assert (await shop.refund(asked["id"])).status is RefundStatus.REQUESTED
    await shop.api.run_jobs()
    assert shop.fakes.mtn.count("/disbursement/v1_0/refund") == 0
    root = await shop.user("root", admin=True)
    for action in ("approve", "reject", "complete"):
        error(await shop.post(refund_path(999, action), root, {}), 404)
        error(await shop.post(refund_path(asked["id"], action), root, {"note": 5, "reference": 5}), 400)
    assert (await shop.refund(asked["id"])).status is RefundStatus.REQUESTED


async def test_admin_refund_list_filters_and_pages(shop: Shop) -> None:
    awa, ben, root = await shop.user("awa"), await shop.user("ben"), await shop.user("root", admin=True)
    first = ok(await shop.post(REFUNDS, awa, {"payment_uuid": (await shop.mtn_paid(awa))["payment_uuid"]}), 201)
    second = ok(await shop.post(REFUNDS, ben, {"payment_uuid": (await shop.mtn_paid(ben))["payment_uuid"]}), 201)
    ok(await shop.post(refund_path(first["id"], "reject"), root))

    everything = await shop.admin_view(ADMIN_REFUNDS)
    assert [r["id"] for r in everything] == [second["id"], first["id"]]  # newest first
    assert set(everything[0]) == {"id", "payment_original_uuid", "montant_remboursement", "statut", "date_demande"}
    assert [r["id"] for r in await shop.admin_view(ADMIN_REFUNDS, statut="DEMANDE")] == [second["id"]]
    assert [r["id"] for r in await shop.admin_view(ADMIN_REFUNDS, statut="REJETE")] == [first["id"]]
    assert await shop.admin_view(ADMIN_REFUNDS, statut="INCONNU") == []
    assert [r["id"] for r in await shop.admin_view(ADMIN_REFUNDS, page=2, page_size=1)] == [first["id"]]
    assert await shop.admin_view(ADMIN_REFUNDS, page=3, page_size=1) == []
    for params in ({"page": 0}, {"page_size": 0}, {"page_size": 201}, {"page": "un"}):
        error(await shop.get(ADMIN_REFUNDS, root, **params), 400)


async def test_figures_for_administrators_reflect_paid_failed_and_pending_payments(shop: Shop) -> None:
    awa = await shop.user()
    paid = await shop.mtn_paid(awa)
    failed = await shop.started(awa, telephone_paiement=MTN_FAILED)
    assert ok(await shop.post(VERIFY, awa, {"payment_uuid": failed["payment_uuid"]}))["status"] == "ECHEC"
    pending = await shop.started(awa, event_ticket_id=2, telephone_paiement=MTN_PENDING)

    assert await shop.admin_view(STATS) == {"total_payments": 3, "successful_payments": 1, "failed_payments": 1,
                                            "pending_payments": 1, "total_revenue": 5000}
    transactions = await shop.admin_view(TRANSACTIONS)
    assert [t["payment_uuid"] for t in transactions] == [pending["payment_uuid"], failed["payment_uuid"],
                                                         paid["payment_uuid"]]
    assert set(transactions[0]) == {"id", "payment_uuid", "operateur", "numero_telephone", "transaction_id",
                                    "date_initiation", "tentative", "statut_operateur"}
    assert [(t["operateur"], t["numero_telephone"], t["statut_operateur"]) for t in transactions] == [
        ("MTN", MTN_PENDING, None), ("MTN", MTN_FAILED, "FAILED"), ("MTN", "+2290197000001", "SUCCESSFUL")]
    assert all(ISO.match(t["date_initiation"]) and t["tentative"] == 1 for t in transactions)
    assert [t["payment_uuid"] for t in await shop.admin_view(TRANSACTIONS, page=2, page_size=2)] == [
        paid["payment_uuid"]]

    [commission] = await shop.admin_view(COMMISSIONS)
    assert commission["montant_commission"] == "500.00" and commission["taux"] == "10.00"
    assert await shop.ledger() == {"devise": "XOF", "encaisse": "5000.00", "commissions": "500.00",
                                   "net_du": "4500.00", "rembourse": "0.00", "equilibre": True}
    assert await shop.admin_view(LEDGER, devise="eur") == {"devise": "EUR", "encaisse": "0.00",
                                                           "commissions": "0.00", "net_du": "0.00",
                                                           "rembourse": "0.00", "equilibre": True}
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    assert (await shop.admin_view(LEDGER, end=yesterday))["encaisse"] == "0.00"
    assert (await shop.admin_view(LEDGER, start=yesterday))["encaisse"] == "5000.00"
    naive_yesterday = (datetime.now(UTC) - timedelta(days=1)).replace(tzinfo=None).isoformat()  # read as UTC
    assert (await shop.admin_view(LEDGER, start=naive_yesterday))["encaisse"] == "5000.00"
    assert (await shop.admin_view(LEDGER, end=naive_yesterday))["encaisse"] == "0.00"
    root = await shop.user("root", admin=True)
    error(await shop.get(LEDGER, root, start="hier"), 400)
    error(await shop.get(TRANSACTIONS, root, page_size=1000), 400)
    error(await shop.get(COMMISSIONS, root, page=-1), 400)

    summary = ok(await shop.get(SUMMARY, awa))
    assert summary["total_spent"] == "5000.00" and summary["pending_payments_count"] == 1
