"""SpotVibe /api/notifications/ (spec 7): the inbox, preferences, templates, push tokens, bulk sends."""

from __future__ import annotations

import uuid

from application.notifications.sending import NotifyUsers
from tests.http.conftest import Api
from tests.http.notification_helpers import queued_notifications, tell
from tests.http.spotvibe.event_helpers import Person, person
from tests.http.spotvibe.helpers import error

BASE = "/api/notifications/"
ITEM = {"id", "titre", "message", "type_notification", "statut", "date_creation", "is_read"}
DETAIL = ITEM | {"date_lecture", "lien_action", "donnees_supplementaires"}
EXPO = "ExponentPushToken[abcdefghijklmnopqrstuv]"


async def inbox(api: Api, who: Person, **params: object) -> list[dict[str, object]]:
    response = await api.client.get(BASE, headers=who.headers, params=params)
    assert response.status_code == 200, response.text
    found: list[dict[str, object]] = response.json()
    return found


async def two_people(api: Api) -> tuple[Person, Person]:
    return await person(api, "awa"), await person(api, "kofi")


async def test_the_list_is_a_plain_array_newest_first_filtered_and_paged(api: Api) -> None:
    awa, kofi = await two_people(api)
    assert await inbox(api, awa) == []
    for n in range(3):
        await tell(api, [awa.id], f"k{n}", title=f"Annonce {n}", message=f"Texte {n}")
    await tell(api, [kofi.id], "other", title="Pour Kofi")
    found = await inbox(api, awa)
    assert [item["titre"] for item in found] == ["Annonce 2", "Annonce 1", "Annonce 0"]
    assert set(found[0]) == ITEM
    assert found[0]["type_notification"] == "ANNOUNCEMENT" and found[0]["statut"] == "ENVOYE"
    assert found[0]["message"] == "Texte 2" and found[0]["is_read"] is False
    assert [item["titre"] for item in await inbox(api, awa, page=2, page_size=2)] == ["Annonce 0"]
    assert await inbox(api, awa, is_read="true") == []
    assert len(await inbox(api, awa, is_read="false")) == 3


async def test_the_list_refuses_bad_paging_and_anonymous_callers(api: Api) -> None:
    awa = await person(api, "awa")
    error(await api.client.get(BASE, headers=awa.headers, params={"page_size": 1000}), 400)
    error(await api.client.get(BASE, headers=awa.headers, params={"page": 0}), 400)
    error(await api.client.get(BASE, headers=awa.headers, params={"is_read": "peut-être"}), 400)
    error(await api.client.get(BASE), 401)


async def test_the_detail_adds_its_link_and_data_and_hides_other_peoples(api: Api) -> None:
    awa, kofi = await two_people(api)
    await tell(api, [awa.id], "remind", kind="EVENT_REMINDER", title="Concert", when="demain", event_id=7)
    (item,) = await inbox(api, awa)
    response = await api.client.get(f"{BASE}{item['id']}/", headers=awa.headers)
    assert response.status_code == 200, response.text
    detail = response.json()
    assert set(detail) == DETAIL
    assert detail["lien_action"] == "/events/7" and detail["date_lecture"] is None
    assert detail["donnees_supplementaires"]["event_id"] == 7
    assert detail["titre"] == "Rappel : Concert"
    error(await api.client.get(f"{BASE}{item['id']}/", headers=kofi.headers), 404)
    error(await api.client.get(f"{BASE}999999/", headers=awa.headers), 404)
    error(await api.client.get(f"{BASE}{item['id']}/"), 401)


async def test_mark_read_counts_and_mark_all_read(api: Api) -> None:
    awa, kofi = await two_people(api)
    for n in range(3):
        await tell(api, [awa.id], f"k{n}")
    await tell(api, [kofi.id], "kofi")
    ids = [item["id"] for item in await inbox(api, awa)]
    (kofis,) = [item["id"] for item in await inbox(api, kofi)]
    marked = await api.client.post(f"{BASE}mark-read/", headers=awa.headers,
                                   json={"notification_ids": [ids[0], kofis]})
    assert marked.status_code == 200, marked.text
    assert marked.json() == {"message": "Notifications marquées comme lues."}
    stats = await api.client.get(f"{BASE}stats/", headers=awa.headers)
    assert stats.json() == {"total_notifications": 3, "read_notifications": 1, "unread_notifications": 2}
    unread = await api.client.get(f"{BASE}unread-count/", headers=kofi.headers)
    assert unread.json() == {"unread_count": 1}  # Kofi's was not Awa's to mark
    detail = (await api.client.get(f"{BASE}{ids[0]}/", headers=awa.headers)).json()
    assert detail["is_read"] is True and detail["date_lecture"] is not None
    everything = await api.client.post(f"{BASE}mark-all-read/", headers=awa.headers)
    assert everything.json() == {"message": "Toutes les notifications ont été marquées comme lues."}
    assert (await api.client.get(f"{BASE}unread-count/", headers=awa.headers)).json() == {"unread_count": 0}
    assert (await api.client.get(f"{BASE}unread-count/", headers=kofi.headers)).json() == {"unread_count": 1}


async def test_mark_read_refuses_a_bad_body_and_changes_nothing(api: Api) -> None:
    awa = await person(api, "awa")
    await tell(api, [awa.id], "k")
    for body in ({}, {"notification_ids": "1"}, {"notification_ids": [0]}, {"notification_ids": [2**70]},
                 {"notification_ids": list(range(1, 1002))}):
        error(await api.client.post(f"{BASE}mark-read/", headers=awa.headers, json=body), 400)
    assert (await api.client.get(f"{BASE}unread-count/", headers=awa.headers)).json() == {"unread_count": 1}
    error(await api.client.post(f"{BASE}mark-read/", json={"notification_ids": [1]}), 401)
    error(await api.client.post(f"{BASE}mark-all-read/"), 401)
    error(await api.client.get(f"{BASE}stats/"), 401)
    error(await api.client.get(f"{BASE}unread-count/"), 401)


async def test_delete_removes_only_ones_own(api: Api) -> None:
    awa, kofi = await two_people(api)
    await tell(api, [awa.id], "k")
    (item,) = await inbox(api, awa)
    error(await api.client.delete(f"{BASE}{item['id']}/delete/", headers=kofi.headers), 404)
    error(await api.client.delete(f"{BASE}{item['id']}/delete/"), 401)
    assert len(await inbox(api, awa)) == 1
    deleted = await api.client.delete(f"{BASE}{item['id']}/delete/", headers=awa.headers)
    assert deleted.status_code == 204 and deleted.content == b""
    assert await inbox(api, awa) == []
    error(await api.client.delete(f"{BASE}{item['id']}/delete/", headers=awa.headers), 404)


async def test_the_test_notification_is_queued_for_the_caller(api: Api) -> None:
    awa = await person(api, "awa")
    sent = await api.client.post(f"{BASE}test/", headers=awa.headers)
    assert sent.status_code == 200, sent.text
    assert sent.json() == {"message": "Notification de test envoyée."}
    await api.run_jobs()
    (payload,) = [p for p in queued_notifications(api) if p["kind"] == "TEST"]
    assert payload["user_ids"] == [awa.id]
    async with api.container() as request:
        await (await request.get(NotifyUsers))(payload)
    (item,) = await inbox(api, awa)
    assert item["type_notification"] == "TEST" and item["titre"] == "Notification de test"
    error(await api.client.post(f"{BASE}test/"), 401)


async def test_preferences_list_every_kind_and_channel_and_change_one(api: Api) -> None:
    awa = await person(api, "awa")
    listed = await api.client.get(f"{BASE}preferences/", headers=awa.headers)
    assert listed.status_code == 200, listed.text
    choices = {(p["type_notification"], p["canal"]): p for p in listed.json()}
    assert set(next(iter(choices.values()))) == {"type_notification", "canal", "actif", "frequence"}
    assert choices[("EVENT_REMINDER", "EMAIL")] == {"type_notification": "EVENT_REMINDER", "canal": "EMAIL",
                                                    "actif": True, "frequence": "IMMEDIATE"}
    changed = await api.client.put(f"{BASE}preferences/", headers=awa.headers, json={
        "type_notification": "EVENT_REMINDER", "canal": "EMAIL", "actif": False, "frequence": "JAMAIS"})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"message": "Préférences de notification mises à jour."}
    again = {(p["type_notification"], p["canal"]): p for p in
             (await api.client.get(f"{BASE}preferences/", headers=awa.headers)).json()}
    assert again[("EVENT_REMINDER", "EMAIL")]["actif"] is False
    assert again[("EVENT_REMINDER", "EMAIL")]["frequence"] == "JAMAIS"
    assert again[("EVENT_REMINDER", "PUSH")]["actif"] is True


async def test_bad_preferences_are_refused_and_change_nothing(api: Api) -> None:
    awa = await person(api, "awa")
    before = (await api.client.get(f"{BASE}preferences/", headers=awa.headers)).json()
    base = {"type_notification": "EVENT_REMINDER", "canal": "EMAIL", "actif": False, "frequence": "JAMAIS"}
    for changes, field in (({"type_notification": "NOPE"}, "type_notification"), ({"canal": "PIGEON"}, "canal"),
                           ({"frequence": "HOURLY"}, "frequence"), ({"canal": "SMS"}, "canal"),
                           ({"type_notification": "PASSWORD_CHANGED"}, "actif")):
        refused = await api.client.put(f"{BASE}preferences/", headers=awa.headers, json={**base, **changes})
        error(refused, 400, field)
    error(await api.client.put(f"{BASE}preferences/", headers=awa.headers, json={"canal": "EMAIL"}), 400)
    assert (await api.client.get(f"{BASE}preferences/", headers=awa.headers)).json() == before
    error(await api.client.get(f"{BASE}preferences/"), 401)
    error(await api.client.put(f"{BASE}preferences/", json=base), 401)


async def test_templates_are_for_administrators(api: Api) -> None:
    awa, admin = await person(api, "awa"), await person(api, "chef", admin=True)
    listed = await api.client.get(f"{BASE}templates/", headers=admin.headers)
    assert listed.status_code == 200, listed.text
    welcome = next(t for t in listed.json() if t["type_notification"] == "WELCOME")
    assert welcome == {"id": 1, "type_notification": "WELCOME", "nom": "Message de bienvenue",
                       "canaux_actifs": ["IN_APP", "PUSH"]}
    error(await api.client.get(f"{BASE}templates/", headers=awa.headers), 403)
    error(await api.client.get(f"{BASE}templates/"), 401)


async def test_push_tokens_register_once_and_list(api: Api) -> None:
    awa, kofi = await two_people(api)
    created = await api.client.post(f"{BASE}push-tokens/", headers=awa.headers, json={
        "token": EXPO, "plateforme": "ANDROID", "nom_appareil": "Mon Téléphone"})
    assert created.status_code == 201, created.text
    assert created.json() == {"message": "Token push enregistré avec succès."}
    listed = await api.client.get(f"{BASE}push-tokens/", headers=awa.headers)
    (token,) = listed.json()
    assert set(token) == {"id", "token", "plateforme", "nom_appareil"}
    assert (token["token"], token["plateforme"], token["nom_appareil"]) == (EXPO, "ANDROID", "Mon Téléphone")
    error(await api.client.post(f"{BASE}push-tokens/", headers=awa.headers, json={
        "token": EXPO, "plateforme": "ANDROID", "nom_appareil": "Autre nom"}), 400, "token")
    assert (await api.client.get(f"{BASE}push-tokens/", headers=awa.headers)).json() == [token]
    assert (await api.client.get(f"{BASE}push-tokens/", headers=kofi.headers)).json() == []


async def test_bad_push_tokens_are_refused(api: Api) -> None:
    awa = await person(api, "awa")
    for body, field in (({"token": "court"}, "token"), ({"token": EXPO, "plateforme": "NOKIA"}, "plateforme"),
                        ({"token": EXPO, "nom_appareil": "x" * 101}, "nom_appareil")):
        error(await api.client.post(f"{BASE}push-tokens/", headers=awa.headers, json=body), 400, field)
    error(await api.client.post(f"{BASE}push-tokens/", headers=awa.headers, json={}), 400)
    assert (await api.client.get(f"{BASE}push-tokens/", headers=awa.headers)).json() == []
    error(await api.client.get(f"{BASE}push-tokens/"), 401)
    error(await api.client.post(f"{BASE}push-tokens/", json={"token": EXPO}), 401)


async def test_a_bulk_send_answers_at_once_and_its_progress_is_readable(api: Api) -> None:
    admin, awa, kofi = await person(api, "chef", admin=True), *await two_people(api)
    started = await api.client.post(f"{BASE}bulk-send/", headers=admin.headers, json={
        "template_id": 9, "target_users": [awa.id, kofi.id],
        "additional_data": {"title": "Fête", "message": "Samedi"}})
    assert started.status_code == 200, started.text
    body = started.json()
    assert set(body) == {"message", "job_id", "progress_url"}
    assert body["message"] == "Envoi de notifications en masse initié."
    assert body["progress_url"] == f"{BASE}bulk-send/{body['job_id']}/"
    progress = await api.client.get(body["progress_url"], headers=admin.headers)
    assert progress.json() == {"job_id": body["job_id"], "statut": "EN_COURS", "destinataires": 2, "traites": 0,
                               "progression": 0.0}
    assert await inbox(api, awa) == []  # nothing fanned out inside the request
    await api.run_jobs()
    for payload in [p for p in queued_notifications(api) if p.get("bulk_id") == body["job_id"]]:
        async with api.container() as request:
            await (await request.get(NotifyUsers))(payload)
    done = (await api.client.get(body["progress_url"], headers=admin.headers)).json()
    assert (done["statut"], done["traites"], done["progression"]) == ("TERMINE", 2, 100.0)
    assert [item["titre"] for item in await inbox(api, kofi)] == ["Fête"]


async def test_bulk_sends_are_for_administrators_and_refuse_bad_input(api: Api) -> None:
    admin, awa = await person(api, "chef", admin=True), await person(api, "awa")
    body = {"template_id": 9, "target_users": [awa.id], "additional_data": {}}
    error(await api.client.post(f"{BASE}bulk-send/", headers=awa.headers, json=body), 403)
    error(await api.client.post(f"{BASE}bulk-send/", json=body), 401)
    for changes, field in (({"template_id": 999}, "template_id"), ({"template_id": 3}, "template_id"),
                           ({"target_users": []}, "target_users")):
        error(await api.client.post(f"{BASE}bulk-send/", headers=admin.headers, json={**body, **changes}), 400,
              field)
    error(await api.client.post(f"{BASE}bulk-send/", headers=admin.headers, json={"target_users": [1]}), 400)
    await api.run_jobs()
    assert [p for p in queued_notifications(api) if "bulk_id" in p] == []
    unknown = f"{BASE}bulk-send/{uuid.uuid4()}/"
    error(await api.client.get(unknown, headers=admin.headers), 404)
    error(await api.client.get(unknown, headers=awa.headers), 403)
    error(await api.client.get(unknown), 401)
