"""/api/v1/messages/conversations/ (spec 5): open, list, read, reply (multipart), mark read/archive, delete;
each with bad input, anonymous, citizen vs staff, another citizen, another municipality."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.http.conftest import Api
from tests.http.mairie.helpers import API, PNG, account, bearer, error, mayor, spotvibe_token

URL = f"{API}/messages/conversations/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def start_body(**changes: Any) -> dict[str, Any]:
    body = {"subject": "Horaires de la déchetterie", "category": "services", "content": "Quels horaires ?"}
    body.update(changes)
    return body


class Town:
    """A mayor, a moderator and two citizens of Paris 1er; a mayor and a citizen of Marseille."""

    def __init__(self, api: Api) -> None:
        self.api = api

    async def setup(self) -> Town:
        boss = await mayor(self.api)
        self.mayor = bearer(boss["access_token"])
        self.moderator = bearer((await account(self.api, "modo@paris1.fr", role="moderator",
                                               token=boss["access_token"]))["access_token"])
        self.citizen = bearer((await account(self.api, "marie@example.fr"))["access_token"])
        self.neighbour = bearer((await account(self.api, "paul@example.fr"))["access_token"])
        self.foreign_mayor = bearer((await mayor(self.api, "maire@marseille.fr", code="13001"))["access_token"])
        self.foreign_citizen = bearer((await account(self.api, "luc@example.fr", code="13001"))["access_token"])
        return self

    async def opened(self, **changes: Any) -> dict[str, Any]:
        response = await self.api.client.post(URL, json=start_body(**changes), headers=self.citizen)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body


async def test_a_citizen_opens_a_conversation_and_the_staff_see_it(api: Api) -> None:
    town = await Town(api).setup()

    created = await town.opened()

    assert created["id"].startswith("conv_") and created["subject"] == "Horaires de la déchetterie"
    assert created["citizen"]["email"] == "marie@example.fr" and created["citizen"]["name"] == "Jean Dupont"
    [message] = created["messages"]
    assert message["id"].startswith("msg_") and message["sender_type"] == "citizen"
    assert message["content"] == "Quels horaires ?" and message["attachments"] == []
    listed = await api.client.get(URL, headers=town.mayor)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["count"] == 1 and body["unread_count"] == 1
    [item] = body["results"]
    assert item["id"] == created["id"] and item["status"] == "unread" and item["unread_count"] == 1
    assert item["last_message"]["id"] == message["id"] and item["priority"] == "normal"
    assert item["first_response_seconds"] is None and item["resolution_seconds"] is None
    own = (await api.client.get(URL, headers=town.citizen)).json()
    assert own["count"] == 1 and own["unread_count"] == 0 and own["results"][0]["status"] == "read"


async def test_opening_with_attachments_multipart(api: Api) -> None:
    town = await Town(api).setup()

    response = await api.client.post(URL, data=start_body(priority="high"), headers=town.citizen, files=[
        ("attachments", ("plan.pdf", PDF, "application/pdf")), ("attachments", ("photo.png", PNG, "image/png"))])

    assert response.status_code == 201, response.text
    [message] = response.json()["messages"]
    pdf, image = message["attachments"]
    assert pdf["id"].startswith("att_") and pdf["name"] == "plan.pdf" and pdf["size"] == len(PDF)
    assert pdf["url"].startswith("/media/") and image["content_type"] == "image/png"
    assert response.json()["priority"] == "high"


async def test_opening_bad_input(api: Api) -> None:
    town = await Town(api).setup()

    empty = await api.client.post(URL, json=start_body(subject=" ", content=""), headers=town.citizen)
    category = await api.client.post(URL, json=start_body(category="piscine"), headers=town.citizen)
    missing = await api.client.post(URL, json={"subject": "Sujet"}, headers=town.citizen)
    long = await api.client.post(URL, json=start_body(subject="x" * 201), headers=town.citizen)
    not_object = await api.client.post(URL, json=[1], headers=town.citizen)
    typed = await api.client.post(URL, data=start_body(), headers=town.citizen,
                                  files=[("attachments", ("x.html", b"<html></html>", "image/png"))])

    assert set(error(empty, 422, "VALIDATION_ERROR")["details"]) == {"subject", "content"}
    assert "category" in error(category, 422, "VALIDATION_ERROR")["details"]
    assert error(missing, 422, "VALIDATION_ERROR")["details"]
    assert set(error(long, 422, "VALIDATION_ERROR")["details"]) == {"subject"}
    assert not_object.status_code in (400, 422)
    assert set(error(typed, 422, "VALIDATION_ERROR")["details"]) == {"attachments"}
    assert (await api.client.get(URL, headers=town.mayor)).json()["count"] == 0


async def test_only_a_citizen_opens_and_anonymous_is_refused(api: Api) -> None:
    town = await Town(api).setup()
    sv = await spotvibe_token(api)

    error(await api.client.post(URL, json=start_body(), headers=town.mayor), 403, "FORBIDDEN")
    for headers in (None, bearer(sv)):
        error(await api.client.post(URL, json=start_body(), headers=headers), 401, "UNAUTHORIZED")
        error(await api.client.get(URL, headers=headers), 401, "UNAUTHORIZED")
        error(await api.client.get(f"{URL}conv_1/", headers=headers), 401, "UNAUTHORIZED")
        error(await api.client.put(f"{URL}conv_1/", json={"status": "read"}, headers=headers), 401, "UNAUTHORIZED")
        error(await api.client.delete(f"{URL}conv_1/", headers=headers), 401, "UNAUTHORIZED")
        error(await api.client.post(f"{URL}conv_1/reply/", data={"content": "x"}, headers=headers), 401,
              "UNAUTHORIZED")


async def test_another_citizen_and_another_town_see_nothing(api: Api) -> None:
    town = await Town(api).setup()
    created = await town.opened()
    one = f"{URL}{created['id']}/"

    for headers in (town.neighbour, town.foreign_mayor, town.foreign_citizen):
        assert (await api.client.get(URL, headers=headers)).json() == {"count": 0, "unread_count": 0,
                                                                       "results": []}
        error(await api.client.get(one, headers=headers), 404, "NOT_FOUND")
        error(await api.client.put(one, json={"status": "read"}, headers=headers), 404, "NOT_FOUND")
        error(await api.client.delete(one, headers=headers), 404, "NOT_FOUND")
        error(await api.client.post(f"{one}reply/", data={"content": "Moi aussi"}, headers=headers), 404,
              "NOT_FOUND")
    assert len((await api.client.get(one, headers=town.citizen)).json()["messages"]) == 1


async def test_detail_and_unknown_ids(api: Api) -> None:
    town = await Town(api).setup()
    created = await town.opened()
    number = int(created["id"].removeprefix("conv_"))

    by_number = await api.client.get(f"{URL}{number}/", headers=town.moderator)

    assert by_number.status_code == 200 and by_number.json()["id"] == created["id"]
    for unknown in ("conv_999999", "msg_1", "abc", "conv_99999999999999999999", "0"):
        error(await api.client.get(f"{URL}{unknown}/", headers=town.mayor), 404, "NOT_FOUND")


async def test_a_staff_reply_is_emailed_and_the_citizen_sees_it_unread(api: Api) -> None:
    town = await Town(api).setup()
    created = await town.opened()
    one = f"{URL}{created['id']}/"

    response = await api.client.post(f"{one}reply/", data={"content": "Ouvert de 8 h à 17 h."}, headers=town.mayor,
                                     files=[("attachments", ("horaires.pdf", PDF, "application/pdf"))])

    assert response.status_code == 201, response.text
    reply = response.json()
    assert reply["id"].startswith("msg_") and reply["content"] == "Ouvert de 8 h à 17 h."
    assert reply["attachments"][0]["name"] == "horaires.pdf"
    email = await api.last_email_to("marie@example.fr")
    assert email is not None and "Ouvert de 8 h à 17 h." in email.text
    assert email.subject == "Re : Horaires de la déchetterie"
    own = (await api.client.get(URL, headers=town.citizen)).json()
    assert own["unread_count"] == 1 and own["results"][0]["status"] == "unread"
    assert own["results"][0]["first_response_seconds"] is not None
    staff = (await api.client.get(URL, headers=town.mayor)).json()
    assert staff["unread_count"] == 0 and staff["results"][0]["status"] == "read"
    detail = (await api.client.get(one, headers=town.citizen)).json()
    assert [m["sender_type"] for m in detail["messages"]] == ["citizen", "mayor"]
    assert detail["messages"][1]["sender"]["name"] == "Jean Dupont"

    read = await api.client.put(one, json={"status": "read"}, headers=town.citizen)
    assert read.status_code == 200 and read.json() == {"message": "Conversation mise à jour"}
    assert (await api.client.get(URL, headers=town.citizen)).json()["unread_count"] == 0


async def test_reply_bad_input(api: Api) -> None:
    town = await Town(api).setup()
    created = await town.opened()
    reply = f"{URL}{created['id']}/reply/"

    empty = await api.client.post(reply, data={"content": " "}, headers=town.citizen)
    missing = await api.client.post(reply, data={}, headers=town.citizen)
    many = await api.client.post(reply, data={"content": "x"}, headers=town.citizen,
                                 files=[("attachments", (f"{n}.pdf", PDF, "application/pdf")) for n in range(6)])
    long = await api.client.post(reply, json={"content": "x" * 10_001}, headers=town.citizen)

    assert set(error(empty, 422, "VALIDATION_ERROR")["details"]) == {"content"}
    assert error(missing, 422, "VALIDATION_ERROR")["details"]
    assert set(error(many, 422, "VALIDATION_ERROR")["details"]) == {"attachments"}
    assert set(error(long, 422, "VALIDATION_ERROR")["details"]) == {"content"}
    assert len((await api.client.get(f"{URL}{created['id']}/", headers=town.citizen)).json()["messages"]) == 1


async def test_status_changes_archive_and_the_filters(api: Api) -> None:
    town = await Town(api).setup()
    first = await town.opened()
    await town.opened(subject="Voirie")
    one = f"{URL}{first['id']}/"

    error(await api.client.put(one, json={"status": "archived"}, headers=town.citizen), 403, "FORBIDDEN")
    error(await api.client.put(one, json={"status": "unread"}, headers=town.mayor), 422, "VALIDATION_ERROR")
    error(await api.client.put(one, json={"status": "closed"}, headers=town.mayor), 422, "VALIDATION_ERROR")
    error(await api.client.put(one, json={}, headers=town.mayor), 422, "VALIDATION_ERROR")
    archived = await api.client.put(one, json={"status": "archived"}, headers=town.moderator)
    assert archived.status_code == 200, archived.text

    listed = (await api.client.get(URL, params={"status": "archived"}, headers=town.mayor)).json()
    assert [r["id"] for r in listed["results"]] == [first["id"]] and listed["unread_count"] == 1
    assert listed["results"][0]["resolution_seconds"] is not None
    unread = (await api.client.get(URL, params={"status": "unread"}, headers=town.mayor)).json()
    assert [r["subject"] for r in unread["results"]] == ["Voirie"]
    found = (await api.client.get(URL, params={"search": "voir"}, headers=town.mayor)).json()
    assert [r["subject"] for r in found["results"]] == ["Voirie"]
    for params in ({"status": "closed"}, {"page": 0}, {"page": "x"}, {"search": "x" * 201}):
        error(await api.client.get(URL, params=params, headers=town.mayor), 422, "VALIDATION_ERROR")
    assert (await api.client.get(URL, params={"page": 5}, headers=town.mayor)).json()["results"] == []


async def test_delete_by_mayor_only(api: Api) -> None:
    town = await Town(api).setup()
    created = await town.opened()
    one = f"{URL}{created['id']}/"

    error(await api.client.delete(one, headers=town.moderator), 403, "FORBIDDEN")
    error(await api.client.delete(one, headers=town.citizen), 403, "FORBIDDEN")
    deleted = await api.client.delete(one, headers=town.mayor)

    assert deleted.status_code == 204
    error(await api.client.get(one, headers=town.mayor), 404, "NOT_FOUND")
    error(await api.client.delete(one, headers=town.mayor), 404, "NOT_FOUND")


async def test_concurrent_replies_all_count(api: Api) -> None:
    town = await Town(api).setup()
    created = await town.opened()
    reply = f"{URL}{created['id']}/reply/"

    answers = await asyncio.gather(*(api.client.post(reply, data={"content": f"Réponse {n}"}, headers=headers)
                                     for n, headers in enumerate((town.mayor, town.moderator) * 3)))

    assert [a.status_code for a in answers] == [201] * 6, [a.text for a in answers]
    own = (await api.client.get(URL, headers=town.citizen)).json()
    assert own["unread_count"] == 1 and own["results"][0]["unread_count"] == 6
    detail = (await api.client.get(f"{URL}{created['id']}/", headers=town.mayor)).json()
    assert len(detail["messages"]) == 7
