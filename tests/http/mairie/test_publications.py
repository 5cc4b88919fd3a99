"""Mairie /api/v1/publications/ (spec 3) on PostgreSQL: every endpoint's success, bad input, anonymous, citizen vs
staff, another town; the scheduling cron with two workers at once; likes under concurrency."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from dishka import Provider
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.memory.store import FrozenClock
from application.publications.services import PublishDue
from tests.http.conftest import Api, frozen
from tests.http.mairie.helpers import API, PNG, account, bearer, error, mayor

BASE = f"{API}/publications/"
ITEM = {"id", "type", "title", "content", "excerpt", "cover_image", "images", "author", "status", "category", "tags",
        "priority", "likes", "comments_count", "views", "is_pinned", "allow_comments", "created_at", "updated_at",
        "published_at", "scheduled_at", "expires_at"}


@pytest.fixture
def extra_providers(clock: FrozenClock) -> list[Provider]:
    return [frozen(clock)]


@dataclass
class Town:
    mayor: dict[str, str]
    moderator: dict[str, str]
    citizen: dict[str, str]
    neighbour: dict[str, str]
    stranger: dict[str, str]  # the mayor of another town


async def town(api: Api) -> Town:
    boss = await mayor(api)
    token = boss["access_token"]
    moderator = await account(api, "modo@paris1.fr", role="moderator", token=token)
    citizen = await account(api, "aline@paris1.fr")
    neighbour = await account(api, "bruno@paris1.fr")
    other = await mayor(api, "maire@lyon.fr", code="69001")
    return Town(*(bearer(body["access_token"]) for body in (boss, moderator, citizen, neighbour, other)))


async def publish(api: Api, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"type": "post", "title": "Inauguration du parc", "content": "Nous avons le plaisir de vous annoncer...",
            "status": "published", "category": "actualites", "tags": ["parc", "loisirs"]}
    body.update(fields)
    created = await api.client.post(BASE, json=body, headers=headers)
    assert created.status_code == 201, created.text
    found: dict[str, Any] = created.json()
    return found


async def test_the_mayor_publishes_with_a_form_and_files_and_a_citizen_reads_it(api: Api) -> None:
    t = await town(api)
    created = await api.client.post(BASE, headers=t.mayor, data={
        "type": "post", "title": "Inauguration du nouveau parc municipal", "content": "Nous avons le plaisir...",
        "category": "actualites", "tags": '["parc", "inauguration"]', "status": "published",
        "allow_comments": "true", "is_pinned": "false", "scheduled_at": "null"},
        files=[("cover_image", ("cover.png", PNG, "image/png")), ("images", ("a.png", PNG, "image/png")),
               ("images", ("b.png", PNG, "image/png"))])
    assert created.status_code == 201, created.text
    body = created.json()
    assert set(body) == {"id", "type", "title", "content", "cover_image", "status", "author", "created_at", "message"}
    assert body["id"].startswith("pub_") and body["cover_image"].startswith("/media/")
    assert body["author"]["name"] == "Jean Dupont" and body["message"] == "Publication créée avec succès"
    listed = await api.client.get(BASE, headers=t.citizen)
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert (page["count"], page["next"], page["previous"]) == (1, None, None)
    [item] = page["results"]
    assert set(item) == ITEM and len(item["images"]) == 2 and item["tags"] == ["parc", "inauguration"]
    assert item["author"]["role"] == "Maire" and item["excerpt"]
    detail = await api.client.get(f"{BASE}{body['id']}/", headers=t.citizen)
    assert detail.status_code == 200, detail.text
    assert detail.json()["views"] == 1 and detail.json()["liked_by_me"] is False
    assert (await api.client.get(f"{BASE}{body['id']}/", headers=t.citizen)).json()["views"] == 1


async def test_every_endpoint_wants_a_token(api: Api) -> None:
    for method, path in (("GET", BASE), ("POST", BASE), ("GET", f"{BASE}pub_001/"), ("PUT", f"{BASE}pub_001/"),
                         ("DELETE", f"{BASE}pub_001/"), ("POST", f"{BASE}pub_001/like/"),
                         ("POST", f"{BASE}pub_001/comments/"), ("DELETE", f"{BASE}pub_001/comments/com_001/")):
        error(await api.client.request(method, path), 401, "UNAUTHORIZED")


async def test_bad_input_is_a_validation_error_never_a_500(api: Api) -> None:
    t = await town(api)
    refused = await api.client.post(BASE, json={"type": "video", "title": "", "content": "x"}, headers=t.mayor)
    assert "type" in error(refused, 422, "VALIDATION_ERROR")["details"]
    refused = await api.client.post(BASE, json={"title": "", "content": "", "status": "scheduled",
                                                "tags": ["x" * 31]}, headers=t.mayor)
    assert set(error(refused, 422, "VALIDATION_ERROR")["details"]) == {"title", "content", "scheduled_at", "tags"}
    refused = await api.client.post(BASE, headers=t.mayor, data={"title": "T", "content": "C"},
                                    files=[("cover_image", ("x.png", b"not an image", "image/png"))])
    assert "cover_image" in error(refused, 422, "VALIDATION_ERROR")["details"]
    for query in ({"status": "lost"}, {"type": "x"}, {"ordering": "-nope"}):
        error(await api.client.get(BASE, params=query, headers=t.citizen), 422, "VALIDATION_ERROR")
    for query in ({"limit": "0"}, {"limit": "101"}, {"page": "0"}, {"page": str(2**63)}):
        error(await api.client.get(BASE, params=query, headers=t.citizen), 422, "VALIDATION_ERROR")
    for wire_id in ("pub_x", "99999999999999999999", "com_1", "pub_0"):
        error(await api.client.get(f"{BASE}{wire_id}/", headers=t.citizen), 404, "NOT_FOUND")
    created = await publish(api, t.mayor)
    refused = await api.client.post(f"{BASE}{created['id']}/comments/", json={"content": " "}, headers=t.citizen)
    assert "content" in error(refused, 422, "VALIDATION_ERROR")["details"]
    refused = await api.client.post(f"{BASE}{created['id']}/comments/", json={"content": "Oui", "parent_id": "x"},
                                    headers=t.citizen)
    assert "parent_id" in error(refused, 422, "VALIDATION_ERROR")["details"]
    refused = await api.client.put(f"{BASE}{created['id']}/", json={"status": "gone"}, headers=t.mayor)
    assert "status" in error(refused, 422, "VALIDATION_ERROR")["details"]


async def test_citizens_and_moderators_may_not_write_publications(api: Api) -> None:
    t = await town(api)
    for headers in (t.citizen, t.moderator):
        refused = await api.client.post(BASE, json={"title": "T", "content": "C"}, headers=headers)
        error(refused, 403, "FORBIDDEN")
    created = await publish(api, t.mayor)
    for headers in (t.citizen, t.moderator):
        error(await api.client.put(f"{BASE}{created['id']}/", json={"title": "Non"}, headers=headers), 403,
              "FORBIDDEN")
        error(await api.client.delete(f"{BASE}{created['id']}/", headers=headers), 403, "FORBIDDEN")


async def test_another_town_neither_reads_nor_changes_ours(api: Api) -> None:
    t = await town(api)
    created = await publish(api, t.mayor)
    path = f"{BASE}{created['id']}/"
    assert (await api.client.get(BASE, headers=t.stranger)).json()["count"] == 0
    error(await api.client.get(path, headers=t.stranger), 404, "NOT_FOUND")
    error(await api.client.put(path, json={"title": "Piraté"}, headers=t.stranger), 404, "NOT_FOUND")
    error(await api.client.delete(path, headers=t.stranger), 404, "NOT_FOUND")
    error(await api.client.post(f"{path}like/", headers=t.stranger), 404, "NOT_FOUND")
    error(await api.client.post(f"{path}comments/", json={"content": "Salut"}, headers=t.stranger), 404,
          "NOT_FOUND")
    comment = (await api.client.post(f"{path}comments/", json={"content": "Bravo"}, headers=t.citizen)).json()
    error(await api.client.delete(f"{path}comments/{comment['id']}/", headers=t.stranger), 404, "NOT_FOUND")
    assert (await api.client.get(path, headers=t.citizen)).json()["title"] == "Inauguration du parc"


async def test_drafts_are_for_the_staff_and_the_list_filters_and_pages(api: Api) -> None:
    t = await town(api)
    draft = await publish(api, t.mayor, status="draft", title="Brouillon")
    for n in range(3):
        await publish(api, t.mayor, title=f"Travaux {n}", content="Rue Victor Hugo")
    await publish(api, t.mayor, type="communique", title="Alerte météo", priority="high")
    error(await api.client.get(f"{BASE}{draft['id']}/", headers=t.citizen), 404, "NOT_FOUND")
    assert (await api.client.get(f"{BASE}{draft['id']}/", headers=t.moderator)).status_code == 200
    citizen = (await api.client.get(BASE, params={"status": "draft"}, headers=t.citizen)).json()
    assert citizen["count"] == 0
    staff = (await api.client.get(BASE, params={"status": "draft"}, headers=t.moderator)).json()
    assert [r["title"] for r in staff["results"]] == ["Brouillon"]
    first = (await api.client.get(BASE, params={"limit": 2, "search": "victor"}, headers=t.citizen)).json()
    assert first["count"] == 3 and len(first["results"]) == 2
    assert first["next"] == "/mairie/api/v1/publications/?limit=2&search=victor&page=2"
    second = (await api.client.get(BASE, params={"limit": 2, "search": "victor", "page": 2},
                                   headers=t.citizen)).json()
    assert second["next"] is None and second["previous"].endswith("page=1") and len(second["results"]) == 1
    for wildcard in ("%", "_", "Victor%Hugo"):  # taken literally: no title or content has them
        found = (await api.client.get(BASE, params={"search": wildcard}, headers=t.citizen)).json()
        assert found["count"] == 0, wildcard
    ordered = (await api.client.get(BASE, params={"ordering": "title"}, headers=t.citizen)).json()
    assert [r["title"] for r in ordered["results"]] == ["Alerte météo", "Travaux 0", "Travaux 1", "Travaux 2"]
    communiques = (await api.client.get(BASE, params={"type": "communique"}, headers=t.citizen)).json()
    assert [r["priority"] for r in communiques["results"]] == ["high"]
    past_the_end = (await api.client.get(BASE, params={"page": 9}, headers=t.citizen)).json()
    assert past_the_end["count"] == 4 and past_the_end["results"] == []


async def test_the_mayor_edits_publishes_and_deletes(api: Api) -> None:
    t = await town(api)
    created = await api.client.post(BASE, headers=t.mayor, data={"title": "T", "content": "C", "status": "draft"},
                                    files=[("images", ("a.png", PNG, "image/png"))])
    publication = created.json()
    path = f"{BASE}{publication['id']}/"
    [image] = (await api.client.get(path, headers=t.mayor)).json()["images"]
    updated = await api.client.put(path, headers=t.mayor, data={
        "title": "Titre modifié", "content": "Contenu modifié", "status": "published",
        "remove_images": json.dumps([image.rsplit("/", 1)[-1]])},
        files=[("new_images", ("b.png", PNG, "image/png"))])
    assert updated.status_code == 200, updated.text
    assert set(updated.json()) == {"id", "title", "updated_at", "message"}
    assert updated.json()["message"] == "Publication mise à jour"
    shown = (await api.client.get(path, headers=t.citizen)).json()
    assert shown["title"] == "Titre modifié" and shown["status"] == "published" and shown["images"] != [image]
    error(await api.client.put(path, json={"remove_images": ["nope.png"]}, headers=t.mayor), 422,
          "VALIDATION_ERROR")
    deleted = await api.client.delete(path, headers=t.mayor)
    assert deleted.status_code == 204, deleted.text
    error(await api.client.get(path, headers=t.mayor), 404, "NOT_FOUND")


async def test_likes_toggle_and_count_right_under_concurrent_clicks(api: Api) -> None:
    t = await town(api)
    path = f"{BASE}{(await publish(api, t.mayor))['id']}/"
    liked = await api.client.post(f"{path}like/", headers=t.citizen)
    assert liked.status_code == 200 and liked.json() == {"liked": True, "likes_count": 1}
    assert (await api.client.post(f"{path}like/", headers=t.citizen)).json() == {"liked": False, "likes_count": 0}
    people = [bearer((await account(api, f"c{n}@paris1.fr"))["access_token"]) for n in range(6)]
    answers = await asyncio.gather(*(api.client.post(f"{path}like/", headers=h) for h in people))
    assert all(a.status_code == 200 for a in answers)
    assert (await api.client.get(path, headers=t.citizen)).json()["likes"] == 6
    draft = await publish(api, t.mayor, status="draft")
    error(await api.client.post(f"{BASE}{draft['id']}/like/", headers=t.citizen), 404, "NOT_FOUND")


async def test_comments_thread_authors_delete_moderators_hide(api: Api) -> None:
    t = await town(api)
    path = f"{BASE}{(await publish(api, t.mayor))['id']}/"
    top = await api.client.post(f"{path}comments/", json={"content": "Excellent projet !", "parent_id": None},
                                headers=t.citizen)
    assert top.status_code == 201, top.text
    assert set(top.json()) == {"id", "content", "author", "created_at"} and top.json()["id"].startswith("com_")
    reply = (await api.client.post(f"{path}comments/", json={"content": "D'accord", "parent_id": top.json()["id"]},
                                   headers=t.neighbour)).json()
    other = (await api.client.post(f"{path}comments/", json={"content": "Hors sujet"}, headers=t.neighbour)).json()
    shown = (await api.client.get(path, headers=t.citizen)).json()
    assert shown["comments_count"] == 3
    assert [c["content"] for c in shown["comments"]] == ["Excellent projet !", "Hors sujet"]
    assert shown["comments"][0]["replies"][0]["id"] == reply["id"]
    error(await api.client.delete(f"{path}comments/{other['id']}/", headers=t.citizen), 403, "FORBIDDEN")
    hidden = await api.client.delete(f"{path}comments/{other['id']}/", headers=t.moderator)
    assert hidden.status_code == 204, hidden.text
    removed = await api.client.delete(f"{path}comments/{top.json()['id']}/", headers=t.citizen)
    assert removed.status_code == 204, removed.text
    shown = (await api.client.get(path, headers=t.citizen)).json()
    assert shown["comments"] == [] and shown["comments_count"] == 0
    assert (await api.client.get(BASE, headers=t.citizen)).json()["results"][0]["comments_count"] == 0
    error(await api.client.delete(f"{path}comments/com_999/", headers=t.citizen), 404, "NOT_FOUND")
    closed = await publish(api, t.mayor, allow_comments=False)
    error(await api.client.post(f"{BASE}{closed['id']}/comments/", json={"content": "Oui"}, headers=t.citizen),
          409, "CONFLICT")


async def test_two_workers_publish_a_due_publication_once_and_tell_the_town_once(api: Api,
                                                                                 clock: FrozenClock) -> None:
    t = await town(api)
    when = clock.now() + timedelta(minutes=10)
    created = await publish(api, t.mayor, status="scheduled", scheduled_at=when.isoformat())
    path = f"{BASE}{created['id']}/"
    error(await api.client.get(path, headers=t.citizen), 404, "NOT_FOUND")

    async def run() -> int:
        async with api.container() as request:
            return int(await (await request.get(PublishDue))())

    assert await run() == 0  # not early
    clock.advance(minutes=10)
    assert sorted(await asyncio.gather(run(), run(), run())) == [0, 0, 1]
    assert (await api.client.get(path, headers=t.citizen)).json()["status"] == "published"
    async with api.container() as request:
        session = await request.get(AsyncSession)
        told = await session.scalar(text(
            "SELECT count(*) FROM outbox_messages WHERE topic = 'publications_tell_followers'"))
    assert told == 1
