"""/api/payments/ for payers, on the wire: initiate, detail, list, verify, cancel, retry, methods, summary, and
the provider journeys end to end against the fake providers (MTN, Orange, FedaPay for Moov, Stripe for cards),
their callbacks replayed through the ASGI client as the providers would send them."""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from uuid import UUID

import httpx
import pytest
from dishka import Provider

from adapters.payments.http import sign_timestamped
from adapters.payments.orange import OrangeGateway, OrangeSettings
from adapters.payments.registry import GatewayRegistry
from domain.payments.model import PaymentMethod, PaymentStatus
from tests.http.conftest import Api
from tests.http.spotvibe.helpers import error
from tests.http.spotvibe.payment_helpers import (
    CANCEL,
    CANCEL_URL,
    FEDAPAY_DECLINED,
    INITIATE,
    ISO,
    METHODS,
    MONEY,
    MTN_FAILED,
    MTN_PENDING,
    PAYMENTS,
    PHONE,
    RETRY,
    RETURN_URL,
    SETTINGS,
    SUMMARY,
    UNREACHABLE,
    VERIFY,
    WEBHOOK,
    Shop,
    deliveries,
    override,
    payment_jobs,
    register_jobs,
    reset,
    start_fakes,
)
from tests.payments_support import FakeProviders, TicketsForSale

NOTHING = {"payments": 0, "payment_attempts": 0, "refunds": 0, "commissions": 0, "ledger_entries": 0,
           "processed_callbacks": 0}


@pytest.fixture(scope="module")
def fakes() -> Iterator[FakeProviders]:
    yield from start_fakes()


@pytest.fixture
def tickets() -> TicketsForSale:
    return TicketsForSale()


@pytest.fixture
async def registry(request: pytest.FixtureRequest, fakes: FakeProviders) -> AsyncIterator[GatewayRegistry]:
    """The gateways the app uses: the four fakes, or (parametrized "no-orange") Orange left unconfigured."""
    assert fakes.registry is not None
    if getattr(request, "param", None) != "no-orange":
        yield fakes.registry
        return
    unconfigured = OrangeGateway(OrangeSettings())
    others = [fakes.registry.get(m) for m in fakes.registry.methods() if m is not PaymentMethod.ORANGE]
    yield GatewayRegistry([*[g for g in others if g is not None], unconfigured])
    await unconfigured.aclose()


@pytest.fixture
def extra_providers(fakes: FakeProviders, registry: GatewayRegistry, tickets: TicketsForSale) -> list[Provider]:
    reset(fakes)
    return override(registry, tickets)


@pytest.fixture
def settings_changes() -> dict[str, Any]:
    return dict(SETTINGS)


@pytest.fixture
def shop(api: Api, fakes: FakeProviders, tickets: TicketsForSale) -> Shop:
    register_jobs(api)
    return Shop(api, fakes, tickets)


def ordered(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


# --- initiate ------------------------------------------------------------------------------------------------

async def test_initiate_sends_the_request_to_pay_and_answers_201_with_the_payment(shop: Shop) -> None:
    awa = await shop.user()
    response = await shop.initiate(awa, montant=5000)
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"message", "payment_uuid", "statut", "reference", "payment_url"}
    assert body["message"] == "Paiement initié. Veuillez confirmer sur votre téléphone."
    assert UUID(body["payment_uuid"]).version == 4 and body["statut"] == "EN_COURS" and body["payment_url"] is None
    assert re.fullmatch(r"SV\d{8}\d{6}", body["reference"])

    sent = shop.fakes.mtn.last("/collection/v1_0/requesttopay")
    assert sent.status == 202
    assert sent.json["amount"] == "5000" and sent.json["currency"] == "XOF"
    assert sent.json["payer"] == {"partyIdType": "MSISDN", "partyId": PHONE.removeprefix("+")}
    assert sent.json["externalId"] == f"{body['reference']}-1"
    reference = await shop.attempt_reference(body["payment_uuid"])
    assert sent.headers["x-reference-id"] == reference
    assert sent.headers["x-callback-url"] == f"http://127.0.0.1:9/api/payments/webhooks/mtn/?ref={reference}"

    detail = await shop.detail(awa, body["payment_uuid"])
    assert detail == {
        "uuid": body["payment_uuid"], "utilisateur": {"id": awa.id, "username": "awa"}, "type_paiement": "BILLET",
        "montant": "5000.00", "frais": "500.00", "montant_net": "4500.00", "statut": "EN_COURS",
        "methode_paiement": "MOMO_MTN", "date_creation": detail["date_creation"], "reference": body["reference"],
        "devise": "XOF", "telephone_paiement": PHONE, "tentatives": 1, "date_paiement": None,
        "montant_rembourse": "0.00", "a_rembourser": False, "payment_url": None,
    }
    assert ISO.match(detail["date_creation"])


async def test_a_claimed_amount_equal_to_the_price_is_accepted(shop: Shop) -> None:
    awa = await shop.user()
    for montant in (5000, "5000", "5000.00", 5000.0, None):
        body = await shop.started(awa, montant=montant)
        assert (await shop.detail(awa, body["payment_uuid"]))["montant"] == "5000.00", montant


async def test_the_price_is_the_ticket_owners_not_the_clients(shop: Shop) -> None:
    awa = await shop.user()
    body = await shop.started(awa, event_ticket_id=2)
    detail = await shop.detail(awa, body["payment_uuid"])
    assert (detail["montant"], detail["frais"], detail["montant_net"]) == ("12345.00", "1235.00", "11110.00")  # half up
    assert shop.fakes.mtn.last("/collection/v1_0/requesttopay").json["amount"] == "12345"


BAD_INITIATIONS: list[tuple[dict[str, Any], str]] = [
    ({"type_paiement": "DON"}, "type_paiement"),
    ({"type_paiement": "COMMISSION"}, "type_paiement"),
    ({"type_paiement": None}, "type_paiement"),
    ({"methode_paiement": "PAYPAL"}, "methode_paiement"),
    ({"methode_paiement": "ESPECES"}, "methode_paiement"),
    ({"methode_paiement": "VIREMENT"}, "methode_paiement"),
    ({"methode_paiement": None}, "methode_paiement"),
    ({"event_ticket_id": None}, "event_ticket_id"),
    ({"event_ticket_id": 404}, "event_ticket_id"),
    ({"event_ticket_id": "un"}, "event_ticket_id"),
    ({"type_paiement": "ABONNEMENT"}, "subscription_id"),
    ({"type_paiement": "ABONNEMENT", "subscription_id": 1}, "subscription_id"),  # nothing sells subscriptions yet
    ({"montant": 4000}, "montant"),
    ({"montant": "5000.001"}, "montant"),
    ({"montant": "cinq mille"}, "montant"),
    ({"montant": -5000}, "montant"),
    ({"telephone_paiement": None}, "telephone_paiement"),
    ({"telephone_paiement": "12"}, "telephone_paiement"),
    ({"telephone_paiement": "+22997000000"}, "telephone_paiement"),  # an old 8-digit Benin number
    ({"methode_paiement": "MOMO_MOOV", "telephone_paiement": None}, "telephone_paiement"),
]


async def test_bad_initiations_are_400_and_write_nothing(shop: Shop) -> None:
    awa = await shop.user()
    for changes, field in BAD_INITIATIONS:
        try:
            error(await shop.initiate(awa, **changes), 400, field)
        except AssertionError as failure:
            raise AssertionError(f"{changes}: {failure}") from None
    for body in (b"{pas du json", b"[]", b'"BILLET"', b""):
        response = await shop.client.post(INITIATE, content=body,
                                          headers={**awa.headers, "Content-Type": "application/json"})
        assert response.status_code == 400 and response.json()["error"], (body, response.text)
    assert await shop.counts() == NOTHING
    assert all(fake.requests == [] for fake in shop.fakes.all)


# --- who sees what -------------------------------------------------------------------------------------------

async def test_anonymous_callers_get_401(shop: Shop) -> None:
    some = "00000000-0000-4000-8000-000000000000"
    for method, path in [("GET", PAYMENTS), ("POST", INITIATE), ("GET", f"{PAYMENTS}{some}/"), ("POST", VERIFY),
                         ("POST", CANCEL), ("POST", RETRY), ("GET", SUMMARY)]:
        body = {"payment_uuid": some} if method == "POST" else None
        error(await shop.client.request(method, path, json=body), 401)
        error(await shop.client.request(method, path, json=body, headers={"Authorization": "Bearer pas-un-jeton"}),
              401)


async def test_a_payer_sees_only_their_own_payments(shop: Shop) -> None:
    awa, ben = await shop.user("awa"), await shop.user("ben")
    first = await shop.started(awa)
    second = await shop.started(awa, event_ticket_id=3)
    theirs = await shop.started(ben, event_ticket_id=2)

    mine = ordered(await shop.get(PAYMENTS, awa))
    assert [p["uuid"] for p in mine] == [second["payment_uuid"], first["payment_uuid"]]  # newest first
    assert set(mine[0]) == {"uuid", "type_paiement", "montant", "statut", "date_creation", "methode_paiement",
                            "reference"}
    assert [(p["type_paiement"], p["montant"], p["statut"], p["methode_paiement"]) for p in mine] == [
        ("BILLET", "100.00", "EN_COURS", "MOMO_MTN"), ("BILLET", "5000.00", "EN_COURS", "MOMO_MTN")]
    assert all(MONEY.match(p["montant"]) and ISO.match(p["date_creation"]) for p in mine)
    assert [p["uuid"] for p in ordered(await shop.get(PAYMENTS, ben))] == [theirs["payment_uuid"]]
    assert ordered(await shop.get(PAYMENTS, await shop.user("chloe"))) == []

    error(await shop.get(f"{PAYMENTS}{theirs['payment_uuid']}/", awa), 404)
    for path in (VERIFY, CANCEL, RETRY):
        error(await shop.post(path, awa, {"payment_uuid": theirs["payment_uuid"]}), 404)
    assert (await shop.payment(theirs["payment_uuid"])).status is PaymentStatus.IN_PROGRESS


async def test_unknown_and_malformed_payment_ids(shop: Shop) -> None:
    awa = await shop.user()
    error(await shop.get(f"{PAYMENTS}00000000-0000-4000-8000-000000000000/", awa), 404)
    error(await shop.get(f"{PAYMENTS}pas-un-uuid/", awa), 404)
    for path in (VERIFY, CANCEL, RETRY):
        error(await shop.post(path, awa, {"payment_uuid": "00000000-0000-4000-8000-000000000000"}), 404)
        error(await shop.post(path, awa, {"payment_uuid": "pas-un-uuid"}), 400, "payment_uuid")
        error(await shop.post(path, awa, {"payment_uuid": 42}), 400, "payment_uuid")
        error(await shop.post(path, awa, {}), 400, "payment_uuid")
        error(await shop.client.post(path, content=b"{", headers={**awa.headers,
                                                                  "Content-Type": "application/json"}), 400)


# --- MTN MoMo ------------------------------------------------------------------------------------------------

async def test_mtn_payment_settles_through_its_callback_and_every_view_shows_it(shop: Shop) -> None:
    awa = await shop.user()
    started = await shop.started(awa)
    reference = await shop.attempt_reference(started["payment_uuid"])
    [delivery] = await deliveries(shop.fakes.mtn, matching=lambda d: reference in d.url)
    assert delivery.error is not None  # our URL is unreachable from the fake: the test carries it over
    assert json.loads(delivery.body)["status"] == "SUCCESSFUL"
    assert shop.tickets.heard == []

    answer = await shop.replay(delivery)
    assert answer.status_code == 200 and answer.json() == {"status": "ok", "outcome": "applied"}

    detail = await shop.detail(awa, started["payment_uuid"])
    assert detail["statut"] == "REUSSI" and ISO.match(detail["date_paiement"])
    verified = ordered(await shop.post(VERIFY, awa, {"payment_uuid": started["payment_uuid"]}))
    assert verified == {"payment_uuid": started["payment_uuid"], "status": "REUSSI",
                        "message": "Paiement confirmé avec succès."}

    assert shop.tickets.heard == []  # told through the outbox, by the job
    assert await shop.api.run_jobs() >= 1
    assert shop.tickets.heard == [("1", UUID(started["payment_uuid"]), PaymentStatus.SUCCEEDED)]

    summary = ordered(await shop.get(SUMMARY, awa))
    assert summary["total_spent"] == "5000.00" and summary["pending_payments_count"] == 0
    assert ISO.match(summary["last_payment_date"])
    assert await shop.ledger() == {"devise": "XOF", "encaisse": "5000.00", "commissions": "500.00",
                                   "net_du": "4500.00", "rembourse": "0.00", "equilibre": True}
    [commission] = await shop.admin_view("/api/payments/commissions/")
    assert {k: v for k, v in commission.items() if k != "id"} == {
        "type_commission": "BILLETTERIE", "montant_commission": "500.00", "statut": "CALCULEE",
        "event_titre": "Billet 1", "taux": "10.00"}
    stats = await shop.admin_view("/api/payments/stats/")
    assert stats == {"total_payments": 1, "successful_payments": 1, "failed_payments": 0, "pending_payments": 0,
                     "total_revenue": 5000}
    [transaction] = await shop.admin_view("/api/payments/transactions/")
    assert transaction["payment_uuid"] == started["payment_uuid"] and transaction["operateur"] == "MTN"
    assert transaction["numero_telephone"] == PHONE and transaction["transaction_id"] == reference
    assert transaction["tentative"] == 1 and transaction["statut_operateur"] == "SUCCESSFUL"


async def test_replaying_the_mtn_callback_ten_times_changes_nothing_more(shop: Shop) -> None:
    awa = await shop.user()
    started = await shop.started(awa)
    reference = await shop.attempt_reference(started["payment_uuid"])
    [delivery] = await deliveries(shop.fakes.mtn, matching=lambda d: reference in d.url)
    assert (await shop.replay(delivery)).json()["outcome"] == "applied"
    await shop.api.run_jobs()
    before, ledger = await shop.counts(), await shop.ledger()

    for _ in range(10):
        answer = await shop.replay(delivery)
        assert answer.status_code == 200 and answer.json() == {"status": "ok", "outcome": "unchanged"}
    put = await shop.client.put(delivery.url.removeprefix("http://127.0.0.1:9"), content=delivery.body)
    assert put.status_code == 200 and put.json()["outcome"] == "unchanged"

    jobs = len(payment_jobs(shop.api))
    await shop.api.run_jobs()
    assert len(payment_jobs(shop.api)) == jobs
    assert await shop.counts() == before and before["commissions"] == 1 and before["ledger_entries"] == 3
    assert await shop.ledger() == ledger and ledger["equilibre"] is True and ledger["encaisse"] == "5000.00"
    assert len(shop.tickets.heard) == 1
    assert (await shop.detail(awa, started["payment_uuid"]))["statut"] == "REUSSI"


async def test_mtn_callback_claims_are_not_believed_the_provider_is_asked(shop: Shop) -> None:
    awa = await shop.user()
    started = await shop.started(awa, telephone_paiement=MTN_PENDING)
    reference = await shop.attempt_reference(started["payment_uuid"])
    forged = {"externalId": f"{started['reference']}-1", "status": "SUCCESSFUL", "amount": "5000"}
    answer = await shop.client.post(f"{WEBHOOK[PaymentMethod.MTN]}?ref={reference}", json=forged)
    assert answer.status_code == 200 and answer.json()["outcome"] == "unchanged"
    assert (await shop.detail(awa, started["payment_uuid"]))["statut"] == "EN_COURS"
    assert await shop.counts() == {**NOTHING, "payments": 1, "payment_attempts": 1}

    unknown = await shop.client.post(f"{WEBHOOK[PaymentMethod.MTN]}?ref=00000000-0000-4000-8000-000000000000",
                                     json=forged | {"externalId": "SV-inconnu"})
    assert unknown.status_code == 200 and unknown.json()["outcome"] == "ignored"
    error(await shop.client.post(WEBHOOK[PaymentMethod.MTN], json={"status": "SUCCESSFUL"}), 400)
    error(await shop.client.post(f"{WEBHOOK[PaymentMethod.MTN]}?ref=pas-un-uuid", json=forged), 400)
    error(await shop.client.post(WEBHOOK[PaymentMethod.MTN], content=b"{pas du json"), 400)

    assert shop.fakes.mtn.settle(reference)
    [delivery] = await deliveries(shop.fakes.mtn, matching=lambda d: reference in d.url)
    assert (await shop.replay(delivery)).json()["outcome"] == "applied"
    assert (await shop.detail(awa, started["payment_uuid"]))["statut"] == "REUSSI"


async def test_mtn_refusal_fails_on_verify_and_retry_sends_a_new_attempt(shop: Shop) -> None:
    awa = await shop.user()
    started = await shop.started(awa, telephone_paiement=MTN_FAILED)
    assert started["statut"] == "EN_COURS"  # MTN accepts the request (202), then fails it

    verified = ordered(await shop.post(VERIFY, awa, {"payment_uuid": started["payment_uuid"]}))
    assert verified == {"payment_uuid": started["payment_uuid"], "status": "ECHEC",
                        "message": "Le paiement a échoué."}
    await shop.api.run_jobs()
    assert shop.tickets.heard == [("1", UUID(started["payment_uuid"]), PaymentStatus.FAILED)]

    retried = ordered(await shop.post(RETRY, awa, {"payment_uuid": started["payment_uuid"]}))
    assert retried == {"message": "Retentative de paiement initiée.", "payment_uuid": started["payment_uuid"],
                       "statut": "EN_COURS", "payment_url": None}
    sent = [r for r in shop.fakes.mtn.requests if r.path == "/collection/v1_0/requesttopay"]
    assert len(sent) == 2 and sent[0].headers["x-reference-id"] != sent[1].headers["x-reference-id"]
    assert [r.json["externalId"] for r in sent] == [f"{started['reference']}-1", f"{started['reference']}-2"]
    detail = await shop.detail(awa, started["payment_uuid"])
    assert detail["tentatives"] == 2 and detail["statut"] == "EN_COURS"

    again = ordered(await shop.post(VERIFY, awa, {"payment_uuid": started["payment_uuid"]}))
    assert again["status"] == "ECHEC"
    assert (await shop.counts())["ledger_entries"] == 0 and (await shop.counts())["commissions"] == 0
    assert (await shop.ledger())["encaisse"] == "0.00"


async def test_verify_leaves_a_payment_the_payer_has_not_confirmed_open(shop: Shop) -> None:
    awa = await shop.user()
    started = await shop.started(awa, telephone_paiement=MTN_PENDING)
    verified = ordered(await shop.post(VERIFY, awa, {"payment_uuid": started["payment_uuid"]}))
    assert verified["status"] == "EN_COURS"
    assert verified["message"] == "Paiement en attente de confirmation sur votre téléphone."
    error(await shop.post(RETRY, awa, {"payment_uuid": started["payment_uuid"]}), 400)
    assert len([r for r in shop.fakes.mtn.requests if r.path == "/collection/v1_0/requesttopay"]) == 1
    summary = ordered(await shop.get(SUMMARY, awa))
    assert summary["total_spent"] == "0.00" and summary["pending_payments_count"] == 1

    shop.fakes.mtn.settle(await shop.attempt_reference(started["payment_uuid"]))
    settled = ordered(await shop.post(VERIFY, awa, {"payment_uuid": started["payment_uuid"]}))
    assert settled["status"] == "REUSSI"
    error(await shop.post(RETRY, awa, {"payment_uuid": started["payment_uuid"]}), 400)


# --- cancel --------------------------------------------------------------------------------------------------

async def test_cancel_an_open_payment_then_cancel_again_is_400(shop: Shop) -> None:
    awa = await shop.user()
    started = await shop.started(awa, telephone_paiement=MTN_PENDING)
    cancelled = ordered(await shop.post(CANCEL, awa, {"payment_uuid": started["payment_uuid"]}))
    assert cancelled == {"message": "Paiement annulé avec succès."}
    assert (await shop.detail(awa, started["payment_uuid"]))["statut"] == "ANNULE"

    error(await shop.post(CANCEL, awa, {"payment_uuid": started["payment_uuid"]}), 400)
    error(await shop.post(RETRY, awa, {"payment_uuid": started["payment_uuid"]}), 400)
    assert ordered(await shop.post(VERIFY, awa, {"payment_uuid": started["payment_uuid"]}))["status"] == "ANNULE"
    await shop.api.run_jobs()
    assert shop.tickets.heard == [("1", UUID(started["payment_uuid"]), PaymentStatus.CANCELLED)]
    assert (await shop.detail(awa, started["payment_uuid"]))["statut"] == "ANNULE"


async def test_cancel_of_a_payment_the_provider_already_took_is_refused(shop: Shop) -> None:
    awa = await shop.user()
    started = await shop.started(awa)  # an ordinary number: MTN has taken the money already
    error(await shop.post(CANCEL, awa, {"payment_uuid": started["payment_uuid"]}), 400)
    assert (await shop.detail(awa, started["payment_uuid"]))["statut"] == "REUSSI"
    assert (await shop.ledger())["encaisse"] == "5000.00"


async def test_money_arriving_after_a_cancel_is_kept_and_offered_back(shop: Shop) -> None:
    awa = await shop.user()
    started = await shop.started(awa, telephone_paiement=MTN_PENDING)
    reference = await shop.attempt_reference(started["payment_uuid"])
    ordered(await shop.post(CANCEL, awa, {"payment_uuid": started["payment_uuid"]}))  # MTN still says PENDING
    shop.fakes.mtn.settle(reference)  # the payer approves on their phone after all
    [delivery] = await deliveries(shop.fakes.mtn, matching=lambda d: reference in d.url)
    assert (await shop.replay(delivery)).json()["outcome"] == "applied"

    detail = await shop.detail(awa, started["payment_uuid"])
    assert detail["statut"] == "REUSSI" and detail["a_rembourser"] is True
    [refund] = ordered(await shop.get("/api/payments/refunds/", awa))
    assert refund["payment_original_uuid"] == started["payment_uuid"]
    assert refund["montant_remboursement"] == "5000.00" and refund["statut"] == "DEMANDE"
    assert (await shop.ledger())["equilibre"] is True


# --- Orange Money --------------------------------------------------------------------------------------------

async def click(payment_url: str, action: str = "pay") -> httpx.Response:
    """The payer's browser on the fake's page: reads the form, presses the button."""
    async with httpx.AsyncClient() as browser:
        page = await browser.get(payment_url)
        assert page.status_code == 200 and '<form method="post">' in page.text
        assert f'<button name="action" value="{action}">' in page.text
        return await browser.post(payment_url, data={"action": action})


async def test_orange_payment_on_its_page_settles_through_the_notification(shop: Shop) -> None:
    awa = await shop.user()
    started = await shop.started(awa, methode_paiement="ORANGE_MONEY", telephone_paiement=None)
    assert started["statut"] == "EN_COURS"
    assert started["payment_url"].startswith(shop.fakes.orange.url + "/payment/pay_token/")
    web = shop.fakes.orange.payment(f"{started['reference']}-1")
    sent = shop.fakes.orange.last(f"{shop.fakes.orange.api_prefix}/webpayment").json
    assert sent["amount"] == 5000 and sent["currency"] == "XOF" and sent["return_url"] == RETURN_URL
    assert sent["notif_url"] == "http://127.0.0.1:9/api/payments/webhooks/orange/"
    detail = await shop.detail(awa, started["payment_uuid"])
    assert detail["payment_url"] == started["payment_url"] and detail["telephone_paiement"] is None

    clicked = await click(started["payment_url"])
    assert clicked.status_code == 303 and clicked.headers["location"] == RETURN_URL
    landing = await shop.client.get(RETURN_URL.removeprefix(UNREACHABLE))  # our page decides nothing
    assert landing.status_code == 200 and "Paiement transmis" in landing.text
    [delivery] = await deliveries(shop.fakes.orange, matching=lambda d: web.notif_token.encode() in d.body)
    assert json.loads(delivery.body)["status"] == "SUCCESS"
    answer = await shop.replay(delivery)
    assert answer.status_code == 200 and answer.json() == {"status": "ok", "outcome": "applied"}

    detail = await shop.detail(awa, started["payment_uuid"])
    assert detail["statut"] == "REUSSI" and detail["payment_url"] is None
    assert (await shop.replay(delivery)).json()["outcome"] == "unchanged"
    await shop.api.run_jobs()
    assert shop.tickets.heard == [("1", UUID(started["payment_uuid"]), PaymentStatus.SUCCEEDED)]
    assert (await shop.ledger())["encaisse"] == "5000.00"


async def test_a_forged_orange_notification_changes_nothing(shop: Shop) -> None:
    awa = await shop.user()
    started = await shop.started(awa, methode_paiement="ORANGE_MONEY")
    web = shop.fakes.orange.payment(f"{started['reference']}-1")
    before = await shop.counts()

    forged = await shop.client.post(WEBHOOK[PaymentMethod.ORANGE],
                                    json={"status": "SUCCESS", "notif_token": "f" * 32, "txnid": "MP1"})
    assert forged.status_code == 200 and forged.json()["outcome"] == "ignored"
    # The real token, but the payer never paid: Orange is asked, says INITIATED, nothing is believed.
    claimed = await shop.client.post(WEBHOOK[PaymentMethod.ORANGE],
                                     json={"status": "SUCCESS", "notif_token": web.notif_token, "txnid": "MP2"})
    assert claimed.status_code == 200 and claimed.json()["outcome"] == "unchanged"
    assert shop.fakes.orange.count(f"{shop.fakes.orange.api_prefix}/transactionstatus") == 1
    error(await shop.client.post(WEBHOOK[PaymentMethod.ORANGE], json={"status": "SUCCESS"}), 400)
    error(await shop.client.post(WEBHOOK[PaymentMethod.ORANGE], content=b"notif_token=x"), 400)

    assert (await shop.detail(awa, started["payment_uuid"]))["statut"] == "EN_COURS"
    assert await shop.counts() == before
    assert (await shop.ledger())["encaisse"] == "0.00"
    await shop.api.run_jobs()
    assert payment_jobs(shop.api) == [] and shop.tickets.heard == []


async def test_orange_payment_refused_on_its_page_fails(shop: Shop) -> None:
    awa = await shop.user()
    started = await shop.started(awa, methode_paiement="ORANGE_MONEY")
    web = shop.fakes.orange.payment(f"{started['reference']}-1")
    refused = await click(started["payment_url"], "refuse")
    assert refused.status_code == 303 and refused.headers["location"] == CANCEL_URL
    landing = await shop.client.get(CANCEL_URL.removeprefix(UNREACHABLE))
    assert landing.status_code == 200 and "Paiement interrompu" in landing.text
    [delivery] = await deliveries(shop.fakes.orange, matching=lambda d: web.notif_token.encode() in d.body)
    assert (await shop.replay(delivery)).json()["outcome"] == "applied"
    assert (await shop.detail(awa, started["payment_uuid"]))["statut"] == "ECHEC"
    assert (await shop.counts())["ledger_entries"] == 0


# --- FedaPay (Moov Money) ------------------------------------------------------------------------------------

async def test_moov_payment_settles_through_the_signed_fedapay_webhook(shop: Shop) -> None:
    awa = await shop.user()
    started = await shop.started(awa, methode_paiement="MOMO_MOOV")
    assert started["statut"] == "EN_COURS" and started["payment_url"].startswith(shop.fakes.fedapay.url)
    [delivery] = await deliveries(shop.fakes.fedapay, matching=lambda d: started["payment_uuid"].encode() in d.body)
    event = json.loads(delivery.body)
    assert event["name"] == "transaction.approved" and event["entity"]["amount"] == 5000
    assert delivery.url == "http://127.0.0.1:9/api/payments/webhooks/moov/"
    before = await shop.counts()
    webhook = WEBHOOK[PaymentMethod.MOOV]
    signature = delivery.headers["X-FEDAPAY-SIGNATURE"]

    tampered = delivery.body.replace(b'"amount": 5000', b'"amount": 50')
    assert tampered != delivery.body
    secret = shop.fakes.fedapay.webhook_secret
    for body, headers in [
        (tampered, {"X-FEDAPAY-SIGNATURE": signature}),
        (delivery.body, {"X-FEDAPAY-SIGNATURE": sign_timestamped(delivery.body, "pas-le-secret", scheme="s")}),
        (delivery.body, {"X-FEDAPAY-SIGNATURE": sign_timestamped(delivery.body, secret, scheme="s",
                                                         timestamp=int(time.time()) - 3600)}),
        (delivery.body, {"X-FEDAPAY-SIGNATURE": "n'importe quoi"}),
        (delivery.body, {}),
    ]:
        refused = await shop.client.post(webhook, content=body, headers={"Content-Type": "application/json",
                                                                         **headers})
        error(refused, 400)
    assert (await shop.detail(awa, started["payment_uuid"]))["statut"] == "EN_COURS"
    assert await shop.counts() == before

    answer = await shop.replay(delivery)
    assert answer.status_code == 200 and answer.json() == {"status": "ok", "outcome": "applied"}
    assert (await shop.detail(awa, started["payment_uuid"]))["statut"] == "REUSSI"
    assert (await shop.replay(delivery)).json()["outcome"] == "duplicate"
    await shop.api.run_jobs()
    assert shop.tickets.heard == [("1", UUID(started["payment_uuid"]), PaymentStatus.SUCCEEDED)]
    assert (await shop.counts())["commissions"] == 1 and (await shop.ledger())["equilibre"] is True


async def test_a_declined_moov_payment_fails(shop: Shop) -> None:
    awa = await shop.user()
    started = await shop.started(awa, methode_paiement="MOMO_MOOV", telephone_paiement=FEDAPAY_DECLINED)
    [delivery] = await deliveries(shop.fakes.fedapay, matching=lambda d: started["payment_uuid"].encode() in d.body)
    assert json.loads(delivery.body)["name"] == "transaction.declined"
    assert (await shop.replay(delivery)).json()["outcome"] == "applied"
    assert (await shop.detail(awa, started["payment_uuid"]))["statut"] == "ECHEC"


# --- Stripe (cards) ------------------------------------------------------------------------------------------

async def test_card_payment_settles_through_the_signed_stripe_event(shop: Shop) -> None:
    awa = await shop.user()
    started = await shop.started(awa, methode_paiement="CARTE_BANCAIRE", telephone_paiement=None)
    assert started["payment_url"].startswith(shop.fakes.stripe.url + "/c/pay/cs_test_")
    session_id = started["payment_url"].rsplit("/", 1)[1]
    session = shop.fakes.stripe.sessions[session_id]
    assert session["amount_total"] == 5000 and session["currency"] == "xof"
    assert session["customer_email"] == "awa@example.com" and session["success_url"] == RETURN_URL

    assert shop.fakes.stripe.complete(session_id) == "paid"
    [delivery] = await deliveries(shop.fakes.stripe, matching=lambda d: session_id.encode() in d.body)
    assert json.loads(delivery.body)["type"] == "checkout.session.completed"
    assert delivery.url == "http://127.0.0.1:9/webhooks/stripe/"
    before = await shop.counts()

    secret = shop.fakes.stripe.webhook_secret
    for body, signature in [
        (delivery.body, sign_timestamped(delivery.body, "whsec_autre", scheme="v1")),
        (delivery.body.replace(b'"amount_total": 5000', b'"amount_total": 1'), delivery.headers["Stripe-Signature"]),
        (delivery.body, sign_timestamped(delivery.body, secret, scheme="v1", timestamp=int(time.time()) - 3600)),
        (delivery.body, sign_timestamped(delivery.body, secret, scheme="v0")),
    ]:
        error(await shop.client.post(WEBHOOK[PaymentMethod.CARD], content=body,
                                     headers={"Content-Type": "application/json", "Stripe-Signature": signature}),
              400)
    assert (await shop.detail(awa, started["payment_uuid"]))["statut"] == "EN_COURS"
    assert await shop.counts() == before

    answer = await shop.replay(delivery)
    assert answer.status_code == 200 and answer.json() == {"status": "ok", "outcome": "applied"}
    again = await shop.replay(delivery)
    assert again.status_code == 200 and again.json() == {"status": "ok", "outcome": "duplicate"}
    detail = await shop.detail(awa, started["payment_uuid"])
    assert detail["statut"] == "REUSSI" and detail["methode_paiement"] == "CARTE_BANCAIRE"
    after = await shop.counts()
    assert after["commissions"] == 1 and after["ledger_entries"] == 3 and after["processed_callbacks"] == 1
    await shop.api.run_jobs()
    assert shop.tickets.heard == [("1", UUID(started["payment_uuid"]), PaymentStatus.SUCCEEDED)]


# --- methods -------------------------------------------------------------------------------------------------

async def test_methods_are_public_and_all_four_are_active_with_the_fakes(shop: Shop) -> None:
    response = await shop.client.get(METHODS)
    assert response.status_code == 200, response.text
    assert response.json() == [
        {"code": "MOMO_MTN", "name": "Mobile Money MTN", "active": True},
        {"code": "MOMO_MOOV", "name": "Moov Money", "active": True},
        {"code": "ORANGE_MONEY", "name": "Orange Money", "active": True},
        {"code": "CARTE_BANCAIRE", "name": "Carte bancaire", "active": True},
    ]


@pytest.mark.parametrize("registry", ["no-orange"], indirect=True)
async def test_a_gateway_without_credentials_is_inactive_and_refused(shop: Shop) -> None:
    methods = {m["code"]: m["active"] for m in (await shop.client.get(METHODS)).json()}
    assert methods == {"MOMO_MTN": True, "MOMO_MOOV": True, "ORANGE_MONEY": False, "CARTE_BANCAIRE": True}
    awa = await shop.user()
    error(await shop.initiate(awa, methode_paiement="ORANGE_MONEY"), 400, "methode_paiement")
    assert await shop.counts() == NOTHING and shop.fakes.orange.requests == []
    error(await shop.client.post(WEBHOOK[PaymentMethod.ORANGE], json={"status": "SUCCESS", "notif_token": "x"}),
          400)
    assert (await shop.started(awa))["statut"] == "EN_COURS"  # the others still work
