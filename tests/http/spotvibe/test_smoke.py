from __future__ import annotations

from tests.http.conftest import Api


async def test_register_login_profile_logout(api: Api) -> None:
    created = await api.client.post("/api/users/register/", json={
        "username": "awa", "email": "awa@example.com", "password": "Sup3r-secret!", "telephone": "+2290197000000",
        "first_name": "Awa", "last_name": "Diallo"})
    assert created.status_code == 201, created.text
    login = await api.client.post("/api/users/login/", json={"email": "awa@example.com", "password": "Sup3r-secret!"})
    assert login.status_code == 200, login.text
    tokens = login.json()
    me = await api.client.get("/api/users/profile/", headers={"Authorization": f"Bearer {tokens['access']}"})
    assert me.status_code == 200, me.text
    assert me.json()["telephone"] == "+2290197000000"
    out = await api.client.post("/api/users/logout/", json={"refresh": tokens["refresh"]},
                                headers={"Authorization": f"Bearer {tokens['access']}"})
    assert out.status_code == 200, out.text
    again = await api.client.get("/api/users/profile/", headers={"Authorization": f"Bearer {tokens['access']}"})
    assert again.status_code == 401 and "error" in again.json()
