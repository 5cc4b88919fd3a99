"""/api/events/ and the event actions of /api/admin/bulk-action/ on the wire: each endpoint's success, bad input
(a clear error in SpotVibe's envelope, nothing written) and who may do it (anonymous, another user, the creator,
a platform admin)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from dishka import Provider, Scope

from application.ticketing.ports import SoldTickets
from tests.http.conftest import Api
from tests.http.spotvibe.event_helpers import (
    BULK,
    CREATE,
    DETAIL_FIELDS,
    EVENTS,
    ITEM_FIELDS,
    Person,
    body,
    create,
    event_count,
    iso,
    person,
    published,
    stored,
)
from tests.http.spotvibe.helpers import PNG, error


class TicketsSold:
    def __init__(self) -> None:
        self.sold: dict[int, int] = {}

    async def count_for(self, event_id: int) -> int:
        return self.sold.get(event_id, 0)


@pytest.fixture
def sold() -> TicketsSold:
    return TicketsSold()


@pytest.fixture
def extra_providers(sold: TicketsSold) -> list[Provider]:
    provider = Provider(scope=Scope.APP)
    provider.provide(lambda: sold, provides=SoldTickets)
    return [provider]


@pytest.fixture
async def people(api: Api) -> dict[str, Person]:
    return {"orga": await person(api, "orga"), "other": await person(api, "koffi"),
            "admin": await person(api, "admin", admin=True)}


async def test_categories_are_public_and_wire_exact(api: Api) -> None:
    response = await api.client.get("/api/events/categories/")
    assert response.status_code == 200
    categories = response.json()
    assert categories[0] == {"id": 1, "nom": "Concert", "description": "Événements musicaux en direct.",
                             "icone": "fas fa-music", "couleur": "#E53935"}
    assert all(set(c) == {"id", "nom", "description", "icone", "couleur"} for c in categories)


async def test_create_gives_the_detail_awaiting_validation(api: Api, people: dict[str, Person]) -> None:
    response = await api.client.post(CREATE, json=body(), headers=people["orga"].headers)
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["message"] == "Événement créé avec succès."
    event = answer["event"]
    assert set(event) == DETAIL_FIELDS
    assert event["statut"] == "EN_ATTENTE" and event["prix"] == "5000.00" and event["type_acces"] == "PAYANT"
    assert event["createur"] == {"id": people["orga"].id, "username": "orga"}
    assert event["categorie"] == {"id": 1, "nom": "Concert"}
    assert (event["capacite"], event["places_restantes"]) == (300, 300)
    # The event's implicit type, not created until its first purchase: no id yet (a purchase without one buys it).
    assert event["types_billets"] == [{"id": None, "nom": "Standard", "prix": "5000.00", "quota": 300,
                                       "disponibles": 300}]
    assert event["date_debut"].endswith("Z") and event["latitude"] == 6.3654
    assert event["description_courte"].startswith("Un festival annuel")


async def test_create_as_a_draft_or_free_from_a_form_with_a_cover(api: Api, people: dict[str, Person]) -> None:
    fields = {key: str(value) for key, value in body(type_acces="GRATUIT", prix=None, statut="BROUILLON").items()}
    response = await api.client.post(CREATE, data=fields, files={"image_couverture": ("x.png", PNG, "image/png")},
                                     headers=people["orga"].headers)
    assert response.status_code == 201, response.text
    event = response.json()["event"]
    assert event["statut"] == "BROUILLON" and event["prix"] == "0.00"
    assert event["image_couverture"].startswith("/media/events/covers/")
    served = await api.client.get(event["image_couverture"])
    assert served.status_code == 200 and served.content == PNG


@pytest.mark.parametrize(("changes", "fields"), [
    ({"titre": None}, ("titre",)),
    ({"type_acces": "VIP"}, ("type_acces",)),
    ({"prix": None}, ("prix",)),
    ({"prix": "12.5"}, ("prix",)),
    ({"type_acces": "GRATUIT", "prix": "100"}, ("prix",)),
    ({"date_debut": "demain"}, ("date_debut",)),
    ({"date_fin": "9999-12-31T23:00:00-05:00"}, ("date_fin",)),
    ({"prix": "Infinity"}, ("prix",)),
    ({"date_fin": iso(datetime.now(UTC) + timedelta(days=1))}, ("date_fin",)),
    ({"date_debut": iso(datetime.now(UTC) - timedelta(days=1))}, ("date_debut",)),
    ({"categorie": 99}, ("categorie",)),
    ({"categorie": 2**63}, ("categorie",)),
    ({"capacite": 0}, ("capacite",)),
    ({"latitude": 120.0}, ("latitude",)),
    ({"statut": "VALIDE"}, ("statut",)),
])
async def test_create_refuses_bad_input_by_wire_field_and_writes_nothing(
        api: Api, people: dict[str, Person], changes: dict[str, Any], fields: tuple[str, ...]) -> None:
    sent = body(**changes)
    for name, value in changes.items():
        if value is None:
            sent.pop(name, None)
    response = await api.client.post(CREATE, json=sent, headers=people["orga"].headers)
    error(response, 400, *fields)
    assert await event_count(api) == 0


async def test_create_refuses_a_file_that_is_not_an_image(api: Api, people: dict[str, Person]) -> None:
    fields = {key: str(value) for key, value in body().items()}
    response = await api.client.post(CREATE, data=fields, files={"image_couverture": ("x.png", b"MZ...", "image/png")},
                                     headers=people["orga"].headers)
    error(response, 400, "image_couverture")
    assert await event_count(api) == 0


async def test_create_needs_an_account_and_an_unverified_one_creates_one_event(api: Api) -> None:
    error(await api.client.post(CREATE, json=body()), 401)
    newcomer = await person(api, "nouveau", verified=False)
    await create(api, newcomer)
    refused = error(await api.client.post(CREATE, json=body(), headers=newcomer.headers), 400)
    assert "Limite" in refused["error"]
    assert await event_count(api) == 1


async def test_the_list_shows_the_public_published_events_paginated(api: Api, people: dict[str, Person]) -> None:
    orga, admin = people["orga"], people["admin"]
    for n in range(22):
        await published(api, orga, admin, titre=f"Concert {n:02d}")
    draft = await create(api, orga, titre="Mon brouillon", statut="BROUILLON")
    first = (await api.client.get(EVENTS)).json()
    assert first["count"] == 22 and first["previous"] is None and len(first["results"]) == 20
    assert set(first["results"][0]) == ITEM_FIELDS and first["results"][0]["statut"] == "VALIDE"
    assert first["next"].endswith("/api/events/?page=2")
    second = (await api.client.get(first["next"])).json()
    assert len(second["results"]) == 2 and second["next"] is None and second["previous"].endswith("page=1")
    assert draft["id"] not in {e["id"] for e in first["results"] + second["results"]}
    other_sees = (await api.client.get(EVENTS, params={"search": "brouillon"}, headers=people["other"].headers))
    assert other_sees.json()["count"] == 0
    mine = await api.client.get(EVENTS, params={"search": "brouillon"}, headers=orga.headers)
    assert [e["id"] for e in mine.json()["results"]] == [draft["id"]]
    pending = await api.client.get(EVENTS, params={"status": "BROUILLON"}, headers=admin.headers)
    assert pending.json()["count"] == 1
    assert (await api.client.get(EVENTS, params={"category": 2})).json()["count"] == 0


async def test_the_list_refuses_an_unknown_status_or_a_bad_page(api: Api) -> None:
    error(await api.client.get(EVENTS, params={"status": "FINI"}), 400, "status")
    error(await api.client.get(EVENTS, params={"page": 0}), 400)
    error(await api.client.get(EVENTS, params={"page": 2**62}), 400, "page")  # its offset is over a BIGINT
    error(await api.client.get(EVENTS, params={"category": "concert"}), 400)
    error(await api.client.get(EVENTS, params={"category": 2**100}), 400)


async def test_the_detail_is_hidden_until_published_and_counts_views_once(api: Api, people: dict[str, Person]) -> None:
    orga, other, admin = people["orga"], people["other"], people["admin"]
    pending = await create(api, orga)
    path = f"{EVENTS}{pending['id']}/"
    error(await api.client.get(path), 404)
    error(await api.client.get(path, headers=other.headers), 404)
    assert (await api.client.get(path, headers=orga.headers)).json()["statut"] == "EN_ATTENTE"
    assert (await api.client.get(path, headers=admin.headers)).status_code == 200
    event = await published(api, orga, admin)
    path = f"{EVENTS}{event['id']}/"
    first = (await api.client.get(path)).json()
    assert set(first) == DETAIL_FIELDS and first["nombre_vues"] == 1
    assert (await api.client.get(path)).json()["nombre_vues"] == 1  # the same viewer within the window
    assert (await api.client.get(path, headers=other.headers)).json()["nombre_vues"] == 2
    assert (await api.client.get(path, headers=orga.headers)).json()["nombre_vues"] == 2  # its creator
    error(await api.client.get(f"{EVENTS}999999/"), 404)
    error(await api.client.get(f"{EVENTS}{2**63}/"), 404)


async def test_update_is_the_creators_partial_and_sends_a_published_event_back(api: Api,
                                                                               people: dict[str, Person]) -> None:
    orga, other, admin = people["orga"], people["other"], people["admin"]
    event = await published(api, orga, admin)
    path = f"{EVENTS}{event['id']}/update/"
    error(await api.client.put(path, json={"titre": "Pirate"}), 401)
    error(await api.client.put(path, json={"titre": "Pirate"}, headers=other.headers), 403)
    assert (await stored(api, event["id"])).title == "Festival de Jazz"
    response = await api.client.put(path, json={"titre": "Jazz 2026", "capacite": None}, headers=orga.headers)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["message"] == "Événement mis à jour avec succès."
    assert answer["event"]["titre"] == "Jazz 2026" and answer["event"]["statut"] == "EN_ATTENTE"
    assert answer["event"]["capacite"] is None and answer["event"]["lieu"] == "Parc Central"
    by_admin = await api.client.put(path, data={"lieu": "Stade"}, files={"image_couverture": ("c.png", PNG)},
                                    headers=admin.headers)
    assert by_admin.status_code == 200, by_admin.text
    assert by_admin.json()["event"]["lieu"] == "Stade" and by_admin.json()["event"]["image_couverture"]
    error(await api.client.put(f"{EVENTS}999999/update/", json={"titre": "x"}, headers=orga.headers), 404)


async def test_update_refuses_bad_input_and_changes_nothing(api: Api, people: dict[str, Person]) -> None:
    orga = people["orga"]
    event = await create(api, orga)
    path = f"{EVENTS}{event['id']}/update/"
    error(await api.client.put(path, json={"prix": None, "titre": "Nouveau"}, headers=orga.headers), 400, "prix")
    error(await api.client.put(path, json={"date_fin": iso(datetime.now(UTC))}, headers=orga.headers), 400,
          "date_fin")
    error(await api.client.put(path, json={"statut": "VALIDE"}, headers=orga.headers), 400, "statut")
    error(await api.client.put(path, json=["titre"], headers=orga.headers), 400)
    assert (await stored(api, event["id"])).title == "Festival de Jazz"


async def test_a_draft_is_submitted_by_an_update(api: Api, people: dict[str, Person]) -> None:
    orga = people["orga"]
    draft = await create(api, orga, statut="BROUILLON")
    response = await api.client.put(f"{EVENTS}{draft['id']}/update/", json={"statut": "EN_ATTENTE"},
                                    headers=orga.headers)
    assert response.status_code == 200 and response.json()["event"]["statut"] == "EN_ATTENTE"


async def test_delete_is_the_creators_or_an_admins_and_409_once_tickets_are_sold(
        api: Api, people: dict[str, Person], sold: TicketsSold) -> None:
    orga, other, admin = people["orga"], people["other"], people["admin"]
    event = await published(api, orga, admin)
    path = f"{EVENTS}{event['id']}/delete/"
    error(await api.client.delete(path), 401)
    error(await api.client.delete(path, headers=other.headers), 403)
    sold.sold[event["id"]] = 2
    refused = error(await api.client.delete(path, headers=orga.headers), 409)
    assert "annulez" in refused["error"]
    assert await event_count(api) == 1
    sold.sold[event["id"]] = 0
    response = await api.client.delete(path, headers=orga.headers)
    assert response.status_code == 204 and response.content == b""
    assert await event_count(api) == 0
    error(await api.client.delete(path, headers=orga.headers), 404)
    second = await create(api, orga)
    assert (await api.client.delete(f"{EVENTS}{second['id']}/delete/", headers=admin.headers)).status_code == 204


async def test_participate_once_change_it_list_and_cancel(api: Api, people: dict[str, Person]) -> None:
    orga, other, admin = people["orga"], people["other"], people["admin"]
    event = await published(api, orga, admin)
    join = {"event_id": event["id"], "status": "INTERESSE"}
    error(await api.client.post("/api/events/participate/", json=join), 401)
    first = await api.client.post("/api/events/participate/", json=join, headers=other.headers)
    assert first.status_code == 201 and first.json() == {"message": "Participation enregistrée avec succès."}
    error(await api.client.post("/api/events/participate/", json=join, headers=other.headers), 400)
    going = {"event_id": event["id"], "status": "PARTICIPE"}
    assert (await api.client.post("/api/events/participate/", json=going, headers=other.headers)).status_code == 201
    error(await api.client.post("/api/events/participate/", json={**join, "status": "PEUT-ETRE"},
                                headers=other.headers), 400, "status")
    participants = (await api.client.get(f"{EVENTS}{event['id']}/participants/")).json()
    assert participants == [{"id": other.id, "username": "koffi", "photo_profil": "/media/avatars/koffi.png",
                             "statut_participation": "PARTICIPE"}]
    mine = (await api.client.get("/api/events/my-participations/", headers=other.headers)).json()
    assert [(p["evenement"]["id"], p["statut_participation"]) for p in mine] == [(event["id"], "PARTICIPE")]
    assert set(mine[0]) == {"id", "evenement", "statut_participation", "date_participation"}
    cancel = f"{EVENTS}{event['id']}/cancel-participation/"
    cancelled = await api.client.post(cancel, headers=other.headers)
    assert cancelled.status_code == 200 and cancelled.json() == {"message": "Participation annulée avec succès."}
    error(await api.client.post(cancel, headers=other.headers), 400)
    assert (await api.client.get(f"{EVENTS}{event['id']}/participants/")).json() == []


async def test_participations_and_shares_need_a_published_event(api: Api, people: dict[str, Person]) -> None:
    orga, other = people["orga"], people["other"]
    pending = await create(api, orga)
    error(await api.client.post("/api/events/participate/", json={"event_id": pending["id"], "status": "PARTICIPE"},
                                headers=other.headers), 404)
    error(await api.client.post("/api/events/share/", json={"event_id": pending["id"], "platform": "FACEBOOK"},
                                headers=other.headers), 404)
    error(await api.client.get(f"{EVENTS}{pending['id']}/participants/"), 404)
    error(await api.client.post("/api/events/participate/", json={"event_id": 2**63, "status": "PARTICIPE"},
                                headers=other.headers), 400, "event_id")


async def test_shares_are_counted_and_checked(api: Api, people: dict[str, Person]) -> None:
    orga, other, admin = people["orga"], people["other"], people["admin"]
    event = await published(api, orga, admin)
    share = {"event_id": event["id"], "platform": "WHATSAPP", "shared_link": "https://spotvibe.app/e/1"}
    error(await api.client.post("/api/events/share/", json=share), 401)
    response = await api.client.post("/api/events/share/", json=share, headers=other.headers)
    assert response.status_code == 201 and response.json() == {"message": "Partage enregistré avec succès."}
    error(await api.client.post("/api/events/share/", json={**share, "platform": "MYSPACE"}, headers=other.headers),
          400, "platform")
    error(await api.client.post("/api/events/share/", json={**share, "shared_link": "ftp://x"},
                                headers=other.headers), 400, "shared_link")
    detail = (await api.client.get(f"{EVENTS}{event['id']}/", headers=admin.headers)).json()
    assert detail["nombre_partages"] == 1


async def test_my_events_are_the_creators_in_every_status(api: Api, people: dict[str, Person]) -> None:
    orga, other = people["orga"], people["other"]
    error(await api.client.get("/api/events/my-events/"), 401)
    draft = await create(api, orga, statut="BROUILLON")
    pending = await create(api, orga)
    mine = (await api.client.get("/api/events/my-events/", headers=orga.headers)).json()
    assert [e["id"] for e in mine] == [pending["id"], draft["id"]] and set(mine[0]) == DETAIL_FIELDS
    assert (await api.client.get("/api/events/my-events/", headers=other.headers)).json() == []


async def test_stats_and_trending_are_public(api: Api, people: dict[str, Person]) -> None:
    orga, other, admin = people["orga"], people["other"], people["admin"]
    quiet = await published(api, orga, admin, titre="Calme")
    popular = await published(api, orga, admin, titre="Couru")
    await create(api, orga)
    await api.client.post("/api/events/participate/", json={"event_id": popular["id"], "status": "PARTICIPE"},
                          headers=other.headers)
    stats = (await api.client.get("/api/events/stats/")).json()
    assert stats == {"total_events": 2, "active_events": 2, "upcoming_events": 2, "total_participants": 1}
    ranked = (await api.client.get("/api/events/trending/")).json()
    assert [e["id"] for e in ranked] == [popular["id"], quiet["id"]] and set(ranked[0]) == DETAIL_FIELDS


async def test_bulk_moderation_is_for_admins_all_or_nothing(api: Api, people: dict[str, Person]) -> None:
    orga, other, admin = people["orga"], people["other"], people["admin"]
    first, second = await create(api, orga), await create(api, orga)
    ids = [first["id"], second["id"]]
    approve = {"action_type": "approve_events", "object_ids": ids}
    error(await api.client.post(BULK, json=approve), 401)
    error(await api.client.post(BULK, json=approve, headers=other.headers), 403)
    error(await api.client.post(BULK, json={**approve, "action_type": "delete_users"}, headers=admin.headers), 400,
          "action_type")
    error(await api.client.post(BULK, json={**approve, "object_ids": [*ids, 999999]}, headers=admin.headers), 400,
          "object_ids")
    error(await api.client.post(BULK, json={"action_type": "reject_events", "object_ids": ids},
                                headers=admin.headers), 400, "reason")
    assert {(await stored(api, i)).status for i in ids} == {"EN_ATTENTE"}
    rejected = await api.client.post(BULK, json={"action_type": "reject_events", "object_ids": ids[:1],
                                                 "reason": "Visuel trompeur"}, headers=admin.headers)
    assert rejected.json() == {"message": "Action en masse exécutée avec succès.", "processed_count": 1}
    detail = (await api.client.get(f"{EVENTS}{first['id']}/", headers=orga.headers)).json()
    assert detail["statut"] == "REJETE" and detail["raison_rejet"] == "Visuel trompeur"
    approved = await api.client.post(BULK, json={**approve, "object_ids": ids[1:]}, headers=admin.headers)
    assert approved.status_code == 200 and approved.json()["processed_count"] == 1
    assert (await api.client.get(f"{EVENTS}{second['id']}/")).json()["statut"] == "VALIDE"
