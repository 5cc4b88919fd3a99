"""The directory (GET /members/, /members/{id}/) and the profile's member block, on PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests.http.conftest import Api
from tests.http.eebc.community_helpers import (
    MEMBERS,
    STAFF_FAMILIES,
    STAFF_MEMBERS,
    add_member,
    ensure_sites,
    staff,
)
from tests.http.eebc.conftest import PROFILE, assert_error, bearer, create_user, log_in


async def _directory(api: Api, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await api.client.get(MEMBERS, headers=headers, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_directory_lists_active_members_of_every_site_with_their_site(api: Api) -> None:
    sites = await ensure_sites(api)
    admin = await staff(api)
    helene = await add_member(api, admin, sites["CAB"], "Hélène", "Émile", email="helene@example.com",
                              phone="0694 12 34 56")
    await add_member(api, admin, sites["MAC"], "Jean", "Dupont")
    gone = await add_member(api, admin, sites["CAB"], "Paul", "Ancien")
    assert (await api.client.delete(f"{STAFF_MEMBERS}{gone['id']}/", headers=admin)).status_code == 200

    member = await staff(api, "membre", "MAC")
    body = await _directory(api, member)
    assert body["count"] == 2 and body["next"] is None and body["previous"] is None
    assert [m["last_name"] for m in body["results"]] == ["Dupont", "Émile"]
    assert body["results"][1] == {
        "id": helene["id"], "member_id": "EEBC-CAB-0001", "first_name": "Hélène", "last_name": "Émile",
        "email": "helene@example.com", "phone": "+594694123456", "photo": None, "status": "actif",
        "site": {"id": sites["CAB"], "code": "CAB", "name": "Cabassou"}}
    assert body["results"][0]["member_id"] == "EEBC-MAC-0001"


async def test_search_is_accent_and_case_insensitive_on_names_email_and_phone(api: Api) -> None:
    sites = await ensure_sites(api)
    admin = await staff(api)
    await add_member(api, admin, sites["CAB"], "Hélène", "Émile", email="h.emile@example.com", phone="0694123456")
    await add_member(api, admin, sites["MAC"], "Jean", "Dupont", phone="0694999999")
    for search, found in [("helene", ["Émile"]), ("EMILE", ["Émile"]), ("h.emile@", ["Émile"]),
                          ("0694 12", ["Émile"]), ("594694999", ["Dupont"]), ("jean dupont", ["Dupont"]),
                          ("100%", []), ("_", [])]:
        body = await _directory(api, admin, search=search)
        assert [m["last_name"] for m in body["results"]] == found, search
    body = await _directory(api, admin, site=sites["MAC"])
    assert [m["last_name"] for m in body["results"]] == ["Dupont"]
    body = await _directory(api, admin, ordering="-first_name")
    assert [m["first_name"] for m in body["results"]] == ["Jean", "Hélène"]


async def test_pages_of_twenty(api: Api) -> None:
    sites = await ensure_sites(api)
    admin = await staff(api)
    for n in range(23):
        await add_member(api, admin, sites["CAB"], f"Prénom{n:02d}", "Martin")
    first = await _directory(api, admin, ordering="first_name")
    assert first["count"] == 23 and len(first["results"]) == 20
    assert first["next"] == "http://testserver/eebc/api/v1/members/?ordering=first_name&page=2"
    assert first["previous"] is None
    second = await _directory(api, admin, ordering="first_name", page=2)
    assert [m["first_name"] for m in second["results"]] == ["Prénom20", "Prénom21", "Prénom22"]
    assert second["next"] is None and second["previous"] == "http://testserver/eebc/api/v1/members/?ordering=first_name&page=1"
    assert (await _directory(api, admin, page=9))["results"] == []


async def test_directory_bad_input_and_anonymous(api: Api) -> None:
    await ensure_sites(api)
    member = await staff(api, "membre")
    assert_error(await api.client.get(MEMBERS), 401)
    assert_error(await api.client.get(f"{MEMBERS}1/"), 401)
    assert_error(await api.client.get(MEMBERS, headers=member, params={"ordering": "age"}), 400, "ordering")
    for params in ({"page": 0}, {"page": "x"}, {"site": 2**70}, {"search": "x" * 201}):
        response = await api.client.get(MEMBERS, headers=member, params=params)
        assert response.status_code == 400, (params, response.text)
    assert_error(await api.client.get(f"{MEMBERS}{2**70}/", headers=member), 404)
    assert_error(await api.client.get(f"{MEMBERS}999/", headers=member), 404)


async def test_member_detail_with_family_and_site(api: Api) -> None:
    sites = await ensure_sites(api)
    admin = await staff(api)
    family = (await api.client.post(STAFF_FAMILIES, headers=admin, json={"name": "Famille Dupont",
                                                                         "site": sites["CAB"]})).json()["data"]
    jean = await add_member(api, admin, sites["CAB"], "Jean", "Dupont", family=family["id"], relationship="HEAD",
                            date_of_birth="1985-03-15", gender="M", marital_status="marie", is_baptized=True,
                            baptism_date="2010-06-20", whatsapp_number="0694123456", city="Cayenne",
                            postal_code="97300", address="123 Rue Example", notes="confidentiel")
    marie = await add_member(api, admin, sites["CAB"], "Marie", "Dupont", family=family["id"],
                             relationship="SPOUSE")
    member = await staff(api, "membre", "MAC")
    response = await api.client.get(f"{MEMBERS}{jean['id']}/", headers=member)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["full_name"] == "Jean Dupont" and body["member_id"] == "EEBC-CAB-0001"
    assert body["whatsapp_number"] == "+594694123456" and body["date_of_birth"] == "1985-03-15"
    assert isinstance(body["age"], int) and body["age"] >= 40
    assert body["family"] == {"id": family["id"], "name": "Famille Dupont", "members": [
        {"id": marie["id"], "first_name": "Marie", "last_name": "Dupont", "relationship": "SPOUSE"}]}
    assert body["site"] == {"id": sites["CAB"], "code": "CAB", "name": "Cabassou"}
    assert "notes" not in body


async def test_an_archived_member_is_not_in_the_directory(api: Api) -> None:
    sites = await ensure_sites(api)
    admin = await staff(api)
    gone = await add_member(api, admin, sites["CAB"], "Paul", "Ancien")
    await api.client.delete(f"{STAFF_MEMBERS}{gone['id']}/", headers=admin)
    member = await staff(api, "membre", "CAB")
    assert_error(await api.client.get(f"{MEMBERS}{gone['id']}/", headers=member), 404)
    assert (await api.client.get(f"{MEMBERS}{gone['id']}/", headers=admin)).status_code == 200


async def test_profile_and_login_show_the_member_this_account_is(api: Api) -> None:
    sites = await ensure_sites(api)
    admin = await staff(api)
    jean = await add_member(api, admin, sites["CAB"], "Jean", "Dupont", email="jean@example.com",
                            phone="0694123456", is_baptized=True)
    opened = await api.client.post(f"{STAFF_MEMBERS}{jean['id']}/account/", headers=admin, json={})
    assert opened.status_code == 201, opened.text
    user_id = opened.json()["data"]["user_id"]
    mail = await api.last_email_to("jean@example.com")
    assert mail is not None and "token=" in mail.text
    # The account must change its password; staff cannot see it. A login with a known password instead:
    other = await create_user(api, "marie", "marie@example.com", first_name="Marie")
    assert (await log_in(api, "marie"))["user"]["member_id"] is None
    profile = (await api.client.get(PROFILE, headers=bearer((await log_in(api, "marie"))["access"]))).json()
    assert profile["data"]["member"] is None and other.id is not None
    # Link marie's account to a member through the account endpoint's rule: one member per account.
    again = await api.client.post(f"{STAFF_MEMBERS}{jean['id']}/account/", headers=admin, json={})
    assert_error(again, 409)
    shown = (await api.client.get(f"{STAFF_MEMBERS}{jean['id']}/", headers=admin)).json()["data"]
    assert shown["user_id"] == user_id


async def test_profile_member_block(api: Api) -> None:
    sites = await ensure_sites(api)
    admin_headers = await staff(api)
    me = await add_member(api, admin_headers, sites["CAB"], "Admin", "Cab", email="admin.cab@example.com",
                          phone="0694123456", is_baptized=True)
    async with api.container() as request:
        from application.community.services import LinkAccount
        from domain.shared.actor import Actor
        from domain.shared.realm import Realm
        link = await request.get(LinkAccount)
        login = await log_in(api, "admin.cab")
        actor = Actor(user_id=login["user"]["id"], realm=Realm.EEBC, roles=frozenset({"admin"}), site="CAB")
        await link(actor, me["id"], login["user"]["id"])
    login = await log_in(api, "admin.cab")
    assert login["user"]["member_id"] == me["id"]
    response = await api.client.get(PROFILE, headers=bearer(login["access"]))
    assert response.json()["data"]["member"] == {
        "id": me["id"], "member_id": "EEBC-CAB-0001", "first_name": "Admin", "last_name": "Cab",
        "email": "admin.cab@example.com", "phone": "+594694123456", "is_baptized": True, "status": "actif",
        "site": {"id": sites["CAB"], "code": "CAB", "name": "Cabassou"}}
