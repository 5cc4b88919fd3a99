"""The community staff API: sites, members, families; who may; member ids under concurrency."""

from __future__ import annotations

import asyncio

from tests.http.conftest import Api
from tests.http.eebc.community_helpers import (
    STAFF_FAMILIES,
    STAFF_MEMBERS,
    STAFF_SITES,
    add_member,
    ensure_sites,
    staff,
)
from tests.http.eebc.conftest import assert_error


async def test_admin_creates_and_edits_sites(api: Api) -> None:
    await ensure_sites(api)
    admin = await staff(api)
    created = await api.client.post(STAFF_SITES, headers=admin, json={"code": "kou", "name": "Kourou"})
    assert created.status_code == 201, created.text
    site = created.json()["data"]
    assert site == {"id": site["id"], "code": "KOU", "name": "Kourou", "address": "", "city": "", "is_active": True}
    assert_error(await api.client.post(STAFF_SITES, headers=admin, json={"code": "KOU", "name": "Autre"}), 400,
                 "code")
    assert_error(await api.client.post(STAFF_SITES, headers=admin, json={"code": "K1", "name": ""}), 400,
                 "code", "name")
    changed = await api.client.put(f"{STAFF_SITES}{site['id']}/", headers=admin,
                                   json={"code": "XXX", "name": "Kourou centre", "city": "Kourou"})
    assert changed.status_code == 200 and changed.json()["data"]["code"] == "KOU"
    listed = (await api.client.get(STAFF_SITES, headers=admin)).json()["data"]
    assert [s["code"] for s in listed] == ["CAB", "KOU", "MAC"]
    member = await add_member(api, admin, site["id"], "Ana", "Kourou")
    assert member["member_id"] == "EEBC-KOU-0001"
    assert_error(await api.client.put(f"{STAFF_SITES}999999/", headers=admin, json={"code": "X", "name": "X"}), 404)


async def test_only_admins_manage_sites(api: Api) -> None:
    await ensure_sites(api)
    for role in ("pasteur", "secretariat", "membre"):
        headers = await staff(api, role)
        assert_error(await api.client.post(STAFF_SITES, headers=headers, json={"code": "KOU", "name": "K"}), 403)
    assert_error(await api.client.post(STAFF_SITES, json={"code": "KOU", "name": "K"}), 401)


async def test_member_bodies_are_validated_and_phones_stored_e164(api: Api) -> None:
    sites = await ensure_sites(api)
    admin = await staff(api)
    member = await add_member(api, admin, sites["CAB"], " Jean ", "Dupont", phone="0694 12 34 56",
                              whatsapp_number="+594 694 99 99 99", email="Jean@Example.com")
    assert member["phone"] == "+594694123456" and member["whatsapp_number"] == "+594694999999"
    assert member["email"] == "jean@example.com" and member["first_name"] == "Jean"
    bad = await api.client.post(STAFF_MEMBERS, headers=admin, json={
        "site": sites["CAB"], "first_name": "", "last_name": "x" * 151, "phone": "12", "email": "pas-un-email",
        "gender": "X", "marital_status": "?", "date_of_birth": "2999-01-01", "relationship": "COUSIN",
        "status": "perdu"})
    assert_error(bad, 400, "status")
    bad = await api.client.post(STAFF_MEMBERS, headers=admin, json={
        "site": sites["CAB"], "first_name": "", "last_name": "x" * 151, "phone": "12", "email": "pas-un-email",
        "gender": "X", "marital_status": "?", "date_of_birth": "2999-01-01", "relationship": "COUSIN"})
    assert_error(bad, 400, "first_name", "last_name", "phone", "email", "gender", "marital_status",
                 "date_of_birth", "relationship")
    for body in ({"first_name": "A"}, {"site": "CAB", "first_name": "A", "last_name": "B"},
                 {"site": 2**70, "first_name": "A", "last_name": "B"},
                 {"site": sites["CAB"], "first_name": "A", "last_name": "B", "date_of_birth": "15/03/1985"},
                 {"site": sites["CAB"], "first_name": "A", "last_name": "B", "inconnu": 1}):
        assert_error(await api.client.post(STAFF_MEMBERS, headers=admin, json=body), 400)
    assert_error(await api.client.post(STAFF_MEMBERS, headers=admin, json={
        "site": 999999, "first_name": "A", "last_name": "B"}), 404)


async def test_update_and_archive_a_member(api: Api) -> None:
    sites = await ensure_sites(api)
    admin = await staff(api)
    member = await add_member(api, admin, sites["CAB"], "Jean", "Dupont")
    url = f"{STAFF_MEMBERS}{member['id']}/"
    changed = await api.client.put(url, headers=admin, json={"site": sites["MAC"], "first_name": "Jean-Luc",
                                                             "last_name": "Dupont", "phone": "0594 30 00 00"})
    assert changed.status_code == 200, changed.text
    data = changed.json()["data"]
    assert data["site"]["code"] == "MAC" and data["member_id"] == "EEBC-CAB-0001" and data["phone"] == "+594594300000"
    assert (await api.client.delete(url, headers=admin)).json() == {"success": True, "message": "Membre archivé"}
    assert (await api.client.get(url, headers=admin)).json()["data"]["status"] == "inactif"
    listed = (await api.client.get(STAFF_MEMBERS, headers=admin)).json()["data"]
    assert [m["status"] for m in listed["results"]] == ["inactif"]
    assert_error(await api.client.put(f"{STAFF_MEMBERS}999999/", headers=admin, json={
        "site": sites["CAB"], "first_name": "A", "last_name": "B"}), 404)


async def test_secretariat_manages_its_own_site_only(api: Api) -> None:
    sites = await ensure_sites(api)
    admin = await staff(api)
    mac_member = await add_member(api, admin, sites["MAC"], "Marc", "Macouria")
    cab_member = await add_member(api, admin, sites["CAB"], "Carl", "Cabassou")
    secretary = await staff(api, "secretariat", "CAB")
    assert (await api.client.post(STAFF_MEMBERS, headers=secretary, json={
        "site": sites["CAB"], "first_name": "A", "last_name": "B"})).status_code == 201
    assert_error(await api.client.post(STAFF_MEMBERS, headers=secretary, json={
        "site": sites["MAC"], "first_name": "A", "last_name": "B"}), 404)
    assert_error(await api.client.get(f"{STAFF_MEMBERS}{mac_member['id']}/", headers=secretary), 404)
    assert_error(await api.client.delete(f"{STAFF_MEMBERS}{mac_member['id']}/", headers=secretary), 404)
    assert (await api.client.delete(f"{STAFF_MEMBERS}{cab_member['id']}/", headers=secretary)).status_code == 200
    listed = (await api.client.get(STAFF_MEMBERS, headers=secretary)).json()["data"]
    assert {m["site"]["code"] for m in listed["results"]} == {"CAB"}
    assert (await api.client.get(STAFF_MEMBERS, headers=secretary, params={"site": sites["MAC"]})).json()[
        "data"]["count"] == 0
    pasteur = await staff(api, "pasteur", "CAB")
    assert (await api.client.get(f"{STAFF_MEMBERS}{mac_member['id']}/", headers=pasteur)).status_code == 200
    member = await staff(api, "membre", "CAB")
    assert_error(await api.client.get(STAFF_MEMBERS, headers=member), 403)
    assert_error(await api.client.post(STAFF_MEMBERS, headers=member, json={
        "site": sites["CAB"], "first_name": "A", "last_name": "B"}), 403)
    assert_error(await api.client.get(STAFF_MEMBERS), 401)


async def test_families(api: Api) -> None:
    sites = await ensure_sites(api)
    admin = await staff(api)
    created = await api.client.post(STAFF_FAMILIES, headers=admin, json={"name": "Famille Dupont",
                                                                         "site": sites["CAB"]})
    assert created.status_code == 201, created.text
    family = created.json()["data"]
    jean = await add_member(api, admin, sites["CAB"], "Jean", "Dupont", family=family["id"], relationship="HEAD")
    assert_error(await api.client.post(STAFF_MEMBERS, headers=admin, json={
        "site": sites["MAC"], "first_name": "A", "last_name": "B", "family": family["id"]}), 400, "family")
    renamed = await api.client.put(f"{STAFF_FAMILIES}{family['id']}/", headers=admin, json={"name": "Les Dupont"})
    assert renamed.json()["data"] == {"id": family["id"], "name": "Les Dupont",
                                      "site": {"id": sites["CAB"], "code": "CAB", "name": "Cabassou"},
                                      "members": [{"id": jean["id"], "first_name": "Jean", "last_name": "Dupont",
                                                   "relationship": "HEAD"}]}
    listed = (await api.client.get(STAFF_FAMILIES, headers=admin)).json()["data"]
    assert listed["count"] == 1
    secretary = await staff(api, "secretariat", "MAC")
    assert_error(await api.client.get(f"{STAFF_FAMILIES}{family['id']}/", headers=secretary), 404)
    assert (await api.client.get(STAFF_FAMILIES, headers=secretary)).json()["data"]["count"] == 0
    assert_error(await api.client.post(STAFF_FAMILIES, headers=admin, json={"name": "", "site": sites["CAB"]}), 400,
                 "name")
    assert (await api.client.delete(f"{STAFF_FAMILIES}{family['id']}/", headers=admin)).status_code == 200
    shown = (await api.client.get(f"{STAFF_MEMBERS}{jean['id']}/", headers=admin)).json()["data"]
    assert shown["family"] is None and shown["relationship"] == ""


async def test_concurrent_creates_get_distinct_member_ids(api: Api) -> None:
    sites = await ensure_sites(api)
    admin = await staff(api)
    created = await asyncio.gather(*(api.client.post(STAFF_MEMBERS, headers=admin, json={
        "site": sites["CAB"], "first_name": f"P{n}", "last_name": "Simultané"}) for n in range(12)))
    assert all(r.status_code == 201 for r in created), [r.text for r in created]
    codes = sorted(r.json()["data"]["member_id"] for r in created)
    assert codes == [f"EEBC-CAB-{n:04d}" for n in range(1, 13)]


async def test_accounts_name_a_site_of_the_sites_table(api: Api) -> None:
    from application.identity.services import RegisterCommand, RegisterUser
    from domain.identity.model import Realm
    from domain.shared.errors import InvalidInput
    from tests.http.eebc.conftest import PASSWORD, create_user

    await ensure_sites(api)
    admin = await staff(api)

    async def register(site: str) -> None:
        async with api.container() as request:
            use_case = await request.get(RegisterUser)
            await use_case(RegisterCommand(realm=Realm.EEBC, username=f"paul.{site.lower()}",
                                           email=f"paul.{site.lower()}@example.com", password=PASSWORD,
                                           site_code=site), administrative=True)

    try:
        await register("KOU")
        raise AssertionError("KOU is no site yet")
    except InvalidInput as error:
        assert "site" in error.details
    await api.client.post(STAFF_SITES, headers=admin, json={"code": "KOU", "name": "Kourou"})
    await register("KOU")
    assert (await create_user(api, "marc", "marc@example.com", site_code="MAC")).site_code == "MAC"
