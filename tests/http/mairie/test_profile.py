"""GET and PUT /api/v1/auth/profile/ (spec 1.9, 1.10), avatar upload included."""

from __future__ import annotations

from tests.http.conftest import Api
from tests.http.mairie.helpers import API, PNG, account, bearer, error, mayor, spotvibe_token, user_in_db

PROFILE = f"{API}/auth/profile/"


async def test_profile_shows_the_caller_with_its_municipality(api: Api) -> None:
    tokens = await mayor(api)

    response = await api.client.get(PROFILE, headers=bearer(tokens["access_token"]))

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"id", "email", "first_name", "last_name", "role", "phone", "avatar_url", "is_verified",
                         "municipality", "created_at", "last_login"}
    assert body["id"] == tokens["user"]["id"]
    assert (body["email"], body["role"], body["phone"]) == ("maire@paris1.fr", "mayor", "+33612345678")
    assert body["avatar_url"] is None and body["is_verified"] is False
    assert body["municipality"] == tokens["user"]["municipality"]
    assert body["created_at"].endswith("Z") and body["last_login"] is not None


async def test_each_user_sees_only_their_own_profile(api: Api) -> None:
    await mayor(api)
    citizen = await account(api, "citoyen@exemple.fr")

    response = await api.client.get(PROFILE, headers=bearer(citizen["access_token"]))

    assert response.json()["email"] == "citoyen@exemple.fr"
    assert response.json()["role"] == "citizen"


async def test_profile_needs_a_mairie_access_token(api: Api) -> None:
    tokens = await mayor(api)
    sv = await spotvibe_token(api)

    for headers in (None, bearer(sv), bearer("garbage"), bearer(tokens["refresh_token"]),
                    {"Authorization": f"Token {tokens['access_token']}"}):
        error(await api.client.get(PROFILE, headers=headers), 401, "UNAUTHORIZED")
        error(await api.client.put(PROFILE, json={"first_name": "Pirate"}, headers=headers), 401, "UNAUTHORIZED")
    stored = await user_in_db(api, "maire@paris1.fr")
    assert stored is not None and stored.first_name == "Jean"


async def test_update_with_json(api: Api) -> None:
    tokens = await mayor(api)

    response = await api.client.put(PROFILE, json={"first_name": " Jeanne ", "phone": "06 12 34 56 79"},
                                    headers=bearer(tokens["access_token"]))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body == {"id": tokens["user"]["id"], "email": "maire@paris1.fr", "first_name": "Jeanne",
                    "last_name": "Dupont", "avatar_url": None, "message": "Profil mis à jour"}
    me = (await api.client.get(PROFILE, headers=bearer(tokens["access_token"]))).json()
    assert (me["first_name"], me["last_name"], me["phone"]) == ("Jeanne", "Dupont", "+33612345679")


async def test_update_with_a_form_and_an_avatar(api: Api) -> None:
    tokens = await mayor(api)

    response = await api.client.put(
        PROFILE, headers=bearer(tokens["access_token"]),
        data={"first_name": "Jeanne", "last_name": "Martin", "phone": "+33612345670"},
        files={"avatar": ("moi.png", PNG, "image/png")},
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["first_name"], body["last_name"], body["message"]) == ("Jeanne", "Martin", "Profil mis à jour")
    avatar = body["avatar_url"]
    assert avatar.startswith("/media/avatars/") and avatar.endswith(".png")
    served = await api.client.get(avatar)
    assert served.status_code == 200 and served.content.startswith(b"\x89PNG\r\n\x1a\n")  # re-encoded
    me = (await api.client.get(PROFILE, headers=bearer(tokens["access_token"]))).json()
    assert me["avatar_url"] == avatar and me["phone"] == "+33612345670"
    login = await api.client.post(f"{API}/auth/login/", json={"email": "maire@paris1.fr",
                                                              "password": "Sup3r-secret!"})
    assert login.json()["user"]["avatar_url"] == avatar


async def test_a_new_avatar_replaces_the_old_file(api: Api) -> None:
    tokens = await mayor(api)
    first = (await api.client.put(PROFILE, headers=bearer(tokens["access_token"]),
                                  files={"avatar": ("a.png", PNG, "image/png")})).json()["avatar_url"]

    second = (await api.client.put(PROFILE, headers=bearer(tokens["access_token"]),
                                   files={"avatar": ("b.png", PNG, "image/png")})).json()["avatar_url"]

    assert first != second
    assert (await api.client.get(second)).status_code == 200
    assert (await api.client.get(first)).status_code == 404
    assert len(list((api.settings.media_root / "avatars").iterdir())) == 2  # the new image and its thumbnail


async def test_bad_input_changes_nothing(api: Api) -> None:
    tokens = await mayor(api)

    not_an_image = await api.client.put(PROFILE, headers=bearer(tokens["access_token"]), data={"first_name": "X"},
                                        files={"avatar": ("virus.png", b"MZ\x90\x00 not a png", "image/png")})
    bad_phone = await api.client.put(PROFILE, json={"first_name": "X", "phone": "12"},
                                     headers=bearer(tokens["access_token"]))
    too_long = await api.client.put(PROFILE, json={"last_name": "x" * 151}, headers=bearer(tokens["access_token"]))
    wrong_type = await api.client.put(PROFILE, json={"first_name": ["X"]}, headers=bearer(tokens["access_token"]))

    assert "avatar" in error(not_an_image, 422, "VALIDATION_ERROR")["details"]
    assert "phone" in error(bad_phone, 422, "VALIDATION_ERROR")["details"]
    assert "last_name" in error(too_long, 422, "VALIDATION_ERROR")["details"]
    assert "first_name" in error(wrong_type, 422, "VALIDATION_ERROR")["details"]
    stored = await user_in_db(api, "maire@paris1.fr")
    assert stored is not None
    assert (stored.first_name, stored.last_name, stored.phone, stored.photo) == ("Jean", "Dupont", "+33612345678",
                                                                                  None)
    assert not list((api.settings.media_root / "avatars").glob("*"))


async def test_an_update_touches_only_the_caller(api: Api) -> None:
    await mayor(api)
    citizen = await account(api, "citoyen@exemple.fr")

    response = await api.client.put(PROFILE, json={"first_name": "Awa"}, headers=bearer(citizen["access_token"]))

    assert response.status_code == 200 and response.json()["email"] == "citoyen@exemple.fr"
    boss = await user_in_db(api, "maire@paris1.fr")
    assert boss is not None and boss.first_name == "Jean"
