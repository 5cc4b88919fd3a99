"""Identity writes under concurrency, on PostgreSQL through the real app."""

from __future__ import annotations

import asyncio
import re

from tests.http.conftest import Api

PASSWORD = "Sup3r-secret!"


async def test_simultaneous_sign_ups_with_one_email_create_one_account(api: Api) -> None:
    async def sign_up(n: int) -> int:
        response = await api.client.post("/api/users/register/", json={
            "username": f"awa{n}", "email": "awa@example.com", "password": PASSWORD})
        return response.status_code

    statuses = await asyncio.gather(*(sign_up(n) for n in range(10)))
    assert sorted(statuses) == [201] + [400] * 9
    login = await api.client.post("/api/users/login/", json={"email": "awa@example.com", "password": PASSWORD})
    assert login.status_code == 200


async def test_simultaneous_wrong_passwords_lock_the_account_exactly_once(api: Api) -> None:
    await api.client.post("/api/users/register/", json={"username": "awa", "email": "awa@example.com",
                                                        "password": PASSWORD})

    async def wrong() -> dict[str, object]:
        response = await api.client.post("/api/users/login/", json={"email": "awa@example.com", "password": "nope"})
        assert response.status_code == 401
        return response.json()

    bodies = await asyncio.gather(*(wrong() for _ in range(8)))
    locked = [b for b in bodies if b.get("locked")]
    assert len(locked) == 8 - 4  # the 5th failure locks; later ones meet the lock
    right = await api.client.post("/api/users/login/", json={"email": "awa@example.com", "password": PASSWORD})
    assert right.status_code == 401 and right.json()["locked"] is True


async def test_a_reset_token_used_twice_at_once_works_once(api: Api) -> None:
    await api.client.post("/api/users/register/", json={"username": "awa", "email": "awa@example.com",
                                                        "password": PASSWORD})
    await api.client.post("/api/auth/password-reset/", json={"email": "awa@example.com"})
    mail = await api.last_email_to("awa@example.com")
    token = re.search(r"Code de réinitialisation : (\S+)", mail.text).group(1)

    async def reset(n: int) -> int:
        response = await api.client.post("/api/auth/password-reset/confirm/", json={
            "token": token, "new_password": f"N3w-password-{n}!", "confirm_password": f"N3w-password-{n}!"})
        return response.status_code

    statuses = await asyncio.gather(*(reset(n) for n in range(5)))
    assert sorted(statuses) == [200] + [400] * 4
