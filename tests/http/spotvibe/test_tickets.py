"""Tickets on the wire: purchase (paid through the fake MTN, or free), my-tickets, the QR PNG, check-in and its key,
the organiser's sales, cancelling an event (its paid tickets refunded through payments), ticket types. Each
endpoint's success, bad input with nothing written, and who may do it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

import httpx
import pytest
import zxingcpp
from dishka import Provider, Scope
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.payments.registry import GatewayRegistry
from adapters.sql.payments import tables as payment_tables
from adapters.sql.ticketing_sales import tables
from application.payments.ports import Gateways
from application.ticketing.sales.services import CancelEventSales
from application.ticketing.sales.topics import CANCEL_EVENT_SALES
from tests.adapters.test_ticket_signing import png_to_grey
from tests.http.conftest import Api
from tests.http.spotvibe.event_helpers import Person, person, published
from tests.http.spotvibe.helpers import error
from tests.http.spotvibe.payment_helpers import (
    MTN_FAILED,
    PHONE,
    SETTINGS,
    deliveries,
    register_jobs,
    replay,
    reset,
    start_fakes,
)
from tests.payments_support import FakeProviders, job_handler

PURCHASE = "/api/events/tickets/purchase/"
MINE = "/api/events/my-tickets/"
MY_TICKET_FIELDS = {"id", "uuid", "evenement_titre", "prix", "statut", "code_qr_url", "code_court"}


@pytest.fixture(scope="module")
def fakes() -> Iterator[FakeProviders]:
    yield from start_fakes()


@pytest.fixture
def extra_providers(fakes: FakeProviders) -> list[Provider]:
    """The fake providers' gateways; the purposes are the real ones (the `ticket` owner is ticketing's)."""
    reset(fakes)
    registry: GatewayRegistry | None = fakes.registry
    assert registry is not None
    provider = Provider(scope=Scope.APP)
    provider.provide(lambda: registry, provides=Gateways)
    return [provider]


@pytest.fixture
def settings_changes() -> dict[str, Any]:
    return dict(SETTINGS)


@pytest.fixture
async def people(api: Api) -> dict[str, Person]:
    register_jobs(api)
    api.jobs.handlers[CANCEL_EVENT_SALES] = job_handler(api.container, CancelEventSales)
    return {"orga": await person(api, "orga"), "buyer": await person(api, "awa"),
            "other": await person(api, "koffi"), "admin": await person(api, "admin", admin=True)}


async def counts(api: Api) -> dict[str, int]:
    async with api.container() as request:
        session = await request.get(AsyncSession)
        found = {}
        for name, table in (("orders", tables.orders), ("tickets", tables.tickets), ("holds", tables.holds),
                            ("payments", payment_tables.payments)):
            found[name] = int(await session.scalar(select(func.count()).select_from(table)) or 0)
        return found


async def buy(api: Api, who: Person, event_id: int, **fields: Any) -> httpx.Response:
    body: dict[str, Any] = {"event_id": event_id, "quantity": 1, "payment_method": "MOMO_MTN",
                            "phone_number": PHONE}
    body.update(fields)
    return await api.client.post(PURCHASE, json={k: v for k, v in body.items() if v is not None},
                                 headers=who.headers)


async def paid(api: Api, fakes: FakeProviders, who: Person, event_id: int, **fields: Any) -> dict[str, Any]:
    """A purchase paid through the fake MTN: its callback replayed, the payments job run."""
    response = await buy(api, who, event_id, **fields)
    assert response.status_code == 201, response.text
    started: dict[str, Any] = response.json()
    [delivery] = await deliveries(fakes.mtn, matching=lambda d: d.status is not None or d.error is not None)
    answer = await replay(api.client, delivery)
    assert answer.status_code == 200, answer.text
    await api.run_jobs()
    return started


async def mine(api: Api, who: Person) -> list[dict[str, Any]]:
    response = await api.client.get(MINE, headers=who.headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def decoded(png: bytes) -> str:
    pixels, width, height = png_to_grey(png)
    [barcode] = zxingcpp.read_barcodes(memoryview(pixels).cast("B", (height, width)))
    return str(barcode.text)


# --- the whole journey ----------------------------------------------------------------------------------------


async def test_purchase_paid_by_mtn_gives_a_ticket_whose_qr_checks_in_once(
        api: Api, fakes: FakeProviders, people: dict[str, Person]) -> None:
    event = await published(api, people["orga"], people["admin"], capacite=50)
    response = await buy(api, people["buyer"], event["id"], quantity=2)
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"message", "payment_uuid", "payment_url", "billets"} and body["payment_url"] is None
    assert body["message"] == "Achat de billet initié. Veuillez confirmer le paiement sur votre téléphone."
    assert UUID(body["payment_uuid"]) and len(body["billets"]) == 2
    sent = fakes.mtn.last("/collection/v1_0/requesttopay")
    assert sent.json["amount"] == "10000"
    assert [t["statut"] for t in await mine(api, people["buyer"])] == ["EN_ATTENTE"] * 2

    [delivery] = await deliveries(fakes.mtn)
    assert (await replay(api.client, delivery)).status_code == 200
    await api.run_jobs()
    payment = await api.client.get(f"/api/payments/{body['payment_uuid']}/", headers=people["buyer"].headers)
    assert payment.json()["statut"] == "REUSSI"

    tickets = await mine(api, people["buyer"])
    assert [set(t) for t in tickets] == [MY_TICKET_FIELDS] * 2
    ticket = tickets[0]
    assert ticket["statut"] == "PAYE" and ticket["prix"] == "5000.00"
    assert ticket["evenement_titre"] == "Festival de Jazz" and len(ticket["code_court"]) == 8
    assert ticket["code_qr_url"] == f"/api/events/tickets/{ticket['uuid']}/qr"
    assert await mine(api, people["other"]) == []

    qr = await api.client.get(ticket["code_qr_url"], headers=people["buyer"].headers)
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/png"
    assert qr.headers["cache-control"].startswith("private")
    secret = decoded(qr.content)
    error(await api.client.get(ticket["code_qr_url"], headers=people["other"].headers), 404)
    error(await api.client.get(ticket["code_qr_url"]), 401)

    check_in = f"/api/events/{event['id']}/check-in/"
    entered = await api.client.post(check_in, json={"code": secret, "nonce": "scan-1"},
                                    headers=people["orga"].headers)
    assert entered.status_code == 200, entered.text
    answer = entered.json()
    assert set(answer) == {"message", "ticket"}
    assert set(answer["ticket"]) == {"uuid", "statut", "utilise_le", "evenement_titre"}
    assert answer["ticket"]["uuid"] == ticket["uuid"] and answer["ticket"]["statut"] == "UTILISE"
    again = await api.client.post(check_in, json={"code": secret, "nonce": "scan-1"}, headers=people["orga"].headers)
    assert again.status_code == 200 and again.json() == answer
    second = await api.client.post(check_in, json={"code": secret, "nonce": "scan-2"},
                                   headers=people["orga"].headers)
    assert error(second, 409)["details"]["utilise_le"]
    async with api.container() as request:
        session = await request.get(AsyncSession)
        assert await session.scalar(select(func.count()).select_from(tables.scans)) == 1
    statuses = {t["uuid"]: t["statut"] for t in await mine(api, people["buyer"])}
    assert statuses[ticket["uuid"]] == "UTILISE"

    # The other ticket by its short code, typed in lower case with a dash.
    other = next(t for t in tickets if t["uuid"] != ticket["uuid"])
    typed = other["code_court"].lower()[:4] + "-" + other["code_court"].lower()[4:]
    by_code = await api.client.post(check_in, json={"code": typed}, headers=people["orga"].headers)
    assert by_code.status_code == 200 and by_code.json()["ticket"]["uuid"] == other["uuid"]


async def test_a_free_event_issues_its_tickets_at_once_without_payment(
        api: Api, people: dict[str, Person]) -> None:
    event = await published(api, people["orga"], people["admin"], type_acces="GRATUIT", prix=None, capacite=5)
    response = await buy(api, people["buyer"], event["id"], quantity=3, payment_method=None, phone_number=None)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["payment_uuid"] is None and len(body["billets"]) == 3
    assert body["message"] == "Billet(s) obtenu(s) avec succès : ils sont dans « Mes billets »."
    tickets = await mine(api, people["buyer"])
    assert {t["statut"] for t in tickets} == {"PAYE"} and {t["prix"] for t in tickets} == {"0.00"}
    assert sorted(t["uuid"] for t in tickets) == sorted(body["billets"])
    detail = (await api.client.get(f"/api/events/{event['id']}/")).json()
    assert detail["places_restantes"] == 2
    assert detail["types_billets"][0]["disponibles"] == 2 and detail["types_billets"][0]["id"] is not None
    assert (await counts(api))["payments"] == 0


# --- purchase: bad input writes nothing -----------------------------------------------------------------------


@pytest.mark.parametrize(("fields", "field"), [
    ({"quantity": 0}, "quantity"), ({"quantity": 11}, "quantity"), ({"payment_method": "BITCOIN"}, "payment_method"),
    ({"payment_method": "ESPECES"}, "payment_method"), ({"phone_number": None}, "phone_number"),
    ({"phone_number": "not a phone"}, "phone_number"), ({"payment_method": None}, "payment_method"),
    ({"ticket_type_id": 999}, "ticket_type_id"),
])
async def test_a_bad_purchase_is_refused_and_writes_nothing(
        api: Api, people: dict[str, Person], fields: dict[str, Any], field: str) -> None:
    event = await published(api, people["orga"], people["admin"])
    before = await counts(api)
    error(await buy(api, people["buyer"], event["id"], **fields), 400, field)
    assert await counts(api) == before


async def test_purchase_refusals_unknown_sold_out_anonymous(api: Api, people: dict[str, Person]) -> None:
    error(await buy(api, people["buyer"], 999_999), 404)
    error(await api.client.post(PURCHASE, json={"event_id": 1, "quantity": 1}), 401)
    event = await published(api, people["orga"], people["admin"], capacite=1)
    before = await counts(api)
    error(await buy(api, people["buyer"], event["id"], quantity=2), 400)
    assert await counts(api) == before
    draft = (await api.client.post("/api/events/create/", json={
        "titre": "Brouillon", "description": "Pas encore soumis.", "date_debut": event["date_debut"],
        "date_fin": event["date_fin"], "lieu": "Ici", "adresse": "Là", "categorie": 1, "type_acces": "PAYANT",
        "prix": "1000", "statut": "BROUILLON"}, headers=people["orga"].headers)).json()["event"]
    before = await counts(api)
    error(await buy(api, people["buyer"], draft["id"]), 404)  # the public cannot see a draft
    assert await counts(api) == before
    error(await buy(api, people["orga"], draft["id"]), 400)  # its organiser can: it is only not on sale


async def test_a_card_purchase_gives_the_checkout_the_buyers_email(api: Api, people: dict[str, Person]) -> None:
    event = await published(api, people["orga"], people["admin"])
    response = await buy(api, people["buyer"], event["id"], payment_method="CARTE_BANCAIRE", phone_number=None)
    assert response.status_code == 201, response.text
    assert response.json()["payment_url"]
    async with api.container() as request:
        session = await request.get(AsyncSession)
        email = await session.scalar(select(payment_tables.payments.c.email).where(
            payment_tables.payments.c.uuid == UUID(response.json()["payment_uuid"])))
    assert email == "awa@example.com"


async def test_a_payment_the_operator_refuses_frees_the_seats_at_once(
        api: Api, fakes: FakeProviders, people: dict[str, Person]) -> None:
    event = await published(api, people["orga"], people["admin"], capacite=1)
    fakes.mtn.fail_next(status=400, path="/collection/v1_0/requesttopay")
    response = await buy(api, people["buyer"], event["id"])
    error(response, 400)
    assert (await counts(api))["holds"] in {0, 1}
    detail = (await api.client.get(f"/api/events/{event['id']}/")).json()
    assert detail["places_restantes"] == 1
    assert {t["statut"] for t in await mine(api, people["buyer"])} <= {"ANNULE"}
    assert (await buy(api, people["other"], event["id"], phone_number=MTN_FAILED)).status_code == 201


# --- check-in: who, and what is refused ------------------------------------------------------------------------


async def test_check_in_is_the_organisers_and_refuses_forged_and_foreign_tickets(
        api: Api, fakes: FakeProviders, people: dict[str, Person]) -> None:
    first = await published(api, people["orga"], people["admin"])
    second = await published(api, people["orga"], people["admin"], titre="Autre soirée")
    await paid(api, fakes, people["buyer"], first["id"])
    [ticket] = await mine(api, people["buyer"])
    secret = decoded((await api.client.get(ticket["code_qr_url"], headers=people["buyer"].headers)).content)
    for who in ("buyer", "other", "admin"):
        error(await api.client.post(f"/api/events/{first['id']}/check-in/", json={"code": secret},
                                    headers=people[who].headers), 403)
    error(await api.client.post(f"/api/events/{first['id']}/check-in/", json={"code": secret}), 401)
    error(await api.client.post(f"/api/events/{second['id']}/check-in/", json={"code": secret},
                                headers=people["orga"].headers), 400, "code")
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    error(await api.client.post(f"/api/events/{first['id']}/check-in/", json={"code": forged},
                                headers=people["orga"].headers), 400, "code")
    assert [t["statut"] for t in await mine(api, people["buyer"])] == ["PAYE"]

    key = await api.client.get(f"/api/events/{first['id']}/check-in/key/", headers=people["orga"].headers)
    assert key.status_code == 200 and key.json()["algorithme"] == "Ed25519" and key.json()["cle_publique"]
    error(await api.client.get(f"/api/events/{first['id']}/check-in/key/", headers=people["buyer"].headers), 403)
    error(await api.client.get(f"/api/events/{first['id']}/check-in/key/"), 401)


# --- the organiser's sales, cancelling, ticket types ------------------------------------------------------------


async def test_sales_are_the_organisers_and_admins(api: Api, fakes: FakeProviders,
                                                   people: dict[str, Person]) -> None:
    event = await published(api, people["orga"], people["admin"])
    await paid(api, fakes, people["buyer"], event["id"], quantity=2)
    url = f"/api/events/{event['id']}/sales/"
    for who in ("orga", "admin"):
        response = await api.client.get(url, headers=people[who].headers)
        assert response.status_code == 200, response.text
        report = response.json()
        assert (report["vendus"], report["entres"], report["recette"]) == (2, 0, "10000.00")
        assert report["commission"] == "1000.00" and report["net"] == "9000.00"
        [line] = report["types_billets"]
        assert (line["nom"], line["vendus"], line["prix"]) == ("Standard", 2, "5000.00")
    error(await api.client.get(url, headers=people["buyer"].headers), 403)
    error(await api.client.get(url), 401)


async def test_cancelling_an_event_refunds_its_paid_tickets_through_payments(
        api: Api, fakes: FakeProviders, people: dict[str, Person]) -> None:
    event = await published(api, people["orga"], people["admin"])
    started = await paid(api, fakes, people["buyer"], event["id"])
    url = f"/api/events/{event['id']}/cancel/"
    error(await api.client.post(url, headers=people["buyer"].headers), 403)
    error(await api.client.post(url), 401)
    response = await api.client.post(url, headers=people["orga"].headers)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"message"}
    await api.run_jobs()
    assert (await api.client.get(f"/api/events/{event['id']}/", headers=people["orga"].headers)).json()[
        "statut"] == "ANNULE"
    assert [t["statut"] for t in await mine(api, people["buyer"])] == ["REMBOURSE"]
    async with api.container() as request:
        session = await request.get(AsyncSession)
        payment = (await session.execute(select(payment_tables.payments).where(
            payment_tables.payments.c.uuid == UUID(started["payment_uuid"])))).one()
        refunds = (await session.execute(select(payment_tables.refunds))).all()
    assert [r.payment_id for r in refunds] == [payment.id]  # one refund request, opened for an administrator
    await api.run_jobs()  # the job again (a retry): nothing more
    async with api.container() as request:
        session = await request.get(AsyncSession)
        assert await session.scalar(select(func.count()).select_from(payment_tables.refunds)) == 1
    error(await api.client.post(url, headers=people["orga"].headers), 400)


async def test_organisers_define_ticket_types_that_buyers_choose(
        api: Api, fakes: FakeProviders, people: dict[str, Person]) -> None:
    event = await published(api, people["orga"], people["admin"])
    url = f"/api/events/{event['id']}/ticket-types/"
    created = await api.client.post(url, json={"nom": "VIP", "prix": "20000", "quota": 10},
                                    headers=people["orga"].headers)
    assert created.status_code == 201, created.text
    vip = created.json()
    assert (vip["nom"], vip["prix"], vip["quota"]) == ("VIP", "20000.00", 10)
    error(await api.client.post(url, json={"nom": "VIP", "prix": "1"}, headers=people["orga"].headers), 400, "nom")
    error(await api.client.post(url, json={"nom": "", "prix": "1"}, headers=people["orga"].headers), 400, "nom")
    error(await api.client.post(url, json={"nom": "X", "prix": "-1"}, headers=people["orga"].headers), 400, "prix")
    error(await api.client.post(url, json={"nom": "X", "prix": "1"}, headers=people["other"].headers), 403)
    detail = (await api.client.get(f"/api/events/{event['id']}/")).json()
    assert detail["types_billets"] == [{"id": vip["id"], "nom": "VIP", "prix": "20000.00", "quota": 10,
                                        "disponibles": 10}]
    await paid(api, fakes, people["buyer"], event["id"], ticket_type_id=vip["id"])
    [ticket] = await mine(api, people["buyer"])
    assert (ticket["statut"], ticket["prix"]) == ("PAYE", "20000.00")


async def test_organisers_name_scanners_who_may_then_check_in(
        api: Api, fakes: FakeProviders, people: dict[str, Person]) -> None:
    event = await published(api, people["orga"], people["admin"])
    await paid(api, fakes, people["buyer"], event["id"])
    [ticket] = await mine(api, people["buyer"])
    url, check_in = f"/api/events/{event['id']}/scanners/", f"/api/events/{event['id']}/check-in/"
    error(await api.client.post(check_in, json={"code": ticket["code_court"]}, headers=people["other"].headers), 403)
    error(await api.client.post(url, json={"user_id": people["other"].id}, headers=people["buyer"].headers), 403)
    error(await api.client.post(url, json={"user_id": 999_999}, headers=people["orga"].headers), 400, "user_id")
    error(await api.client.post(url, json={"user_id": people["other"].id}), 401)
    named = await api.client.post(url, json={"user_id": people["other"].id}, headers=people["orga"].headers)
    assert named.status_code == 201 and named.json() == {"message": "Contrôleur désigné avec succès."}
    again = await api.client.post(url, json={"user_id": people["other"].id}, headers=people["orga"].headers)
    assert again.json() == {"message": "Ce contrôleur était déjà désigné."}
    key = await api.client.get(f"/api/events/{event['id']}/check-in/key/", headers=people["other"].headers)
    assert key.status_code == 200
    entered = await api.client.post(check_in, json={"code": ticket["code_court"]}, headers=people["other"].headers)
    assert entered.status_code == 200 and entered.json()["ticket"]["statut"] == "UTILISE"


async def test_trending_counts_the_tickets_sold_lately(api: Api, people: dict[str, Person]) -> None:
    quiet = await published(api, people["orga"], people["admin"], type_acces="GRATUIT", prix=None, titre="Calme")
    busy = await published(api, people["orga"], people["admin"], type_acces="GRATUIT", prix=None, titre="Couru")
    await api.client.post("/api/events/participate/", json={"event_id": quiet["id"]}, headers=people["other"].headers)
    response = await buy(api, people["buyer"], busy["id"], quantity=5, payment_method=None, phone_number=None)
    assert response.status_code == 201, response.text
    trending = (await api.client.get("/api/events/trending/")).json()
    assert [e["titre"] for e in trending[:2]] == ["Couru", "Calme"]
