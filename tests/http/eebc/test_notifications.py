"""EEBC /api/v1/notifications/register/ ("Notifications Push"): Expo and FCM tokens register and unregister."""

from __future__ import annotations

from application.notifications.ports import DeviceRepository
from domain.identity.model import User
from domain.notifications.model import PushService
from tests.http.conftest import Api
from tests.http.eebc.conftest import assert_error, bearer, create_user, log_in

REGISTER = "/eebc/api/v1/notifications/register/"
EXPO = "ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]"
FCM = "fcm-registration:" + "A1b2_C3d4-" * 15


async def devices_of(api: Api, user: User) -> list[tuple[str, PushService, bool]]:
    assert user.id is not None
    async with api.container() as request:
        found = await (await request.get(DeviceRepository)).of_user(user.id)
    return sorted((d.token, d.service, d.active) for d in found)


async def test_expo_and_fcm_tokens_register_and_route_to_their_sender(api: Api, member: User) -> None:
    headers = bearer((await log_in(api))["access"])
    for token, platform in ((EXPO, "ios"), (FCM, "android")):
        done = await api.client.post(REGISTER, headers=headers,
                                     json={"token": token, "platform": platform, "device_name": "iPhone de John"})
        assert done.status_code == 200, done.text
        assert done.json() == {"success": True, "message": "Appareil enregistré"}
    assert await devices_of(api, member) == sorted([(EXPO, PushService.EXPO, True), (FCM, PushService.FCM, True)])
    again = await api.client.post(REGISTER, headers=headers, json={"token": EXPO, "platform": "ios"})
    assert again.status_code == 200, again.text
    assert len(await devices_of(api, member)) == 2


async def test_unregister_deactivates_and_is_idempotent(api: Api, member: User) -> None:
    headers = bearer((await log_in(api))["access"])
    assert (await api.client.post(REGISTER, headers=headers, json={"token": EXPO})).status_code == 200
    for _ in range(2):
        gone = await api.client.request("DELETE", REGISTER, headers=headers, json={"token": EXPO})
        assert gone.status_code == 200, gone.text
        assert gone.json() == {"success": True, "message": "Appareil désenregistré"}
    assert await devices_of(api, member) == []


async def test_another_account_cannot_unregister_ones_device(api: Api, member: User) -> None:
    other = await create_user(api, "marie.curie", "marie@example.com")
    mine, theirs = bearer((await log_in(api))["access"]), bearer((await log_in(api, "marie.curie"))["access"])
    assert (await api.client.post(REGISTER, headers=mine, json={"token": EXPO})).status_code == 200
    assert (await api.client.request("DELETE", REGISTER, headers=theirs, json={"token": EXPO})).status_code == 200
    assert await devices_of(api, member) == [(EXPO, PushService.EXPO, True)]
    assert await devices_of(api, other) == []


async def test_bad_bodies_are_refused_and_change_nothing(api: Api, member: User) -> None:
    headers = bearer((await log_in(api))["access"])
    for body, field in (({"token": "court"}, "token"), ({"token": EXPO, "platform": "nokia"}, "platform"),
                        ({"token": EXPO, "device_name": "x" * 101}, "device_name"),
                        # Longer than one PostgreSQL index entry holds: refused before the unique index sees it.
                        ({"token": "fcm:" + "A1b2_C3d4-" * 300}, "token"),
                        ({"token": "ExponentPushToken[" + "x" * 3000 + "]"}, "token")):
        assert_error(await api.client.post(REGISTER, headers=headers, json=body), 400, field)
    assert_error(await api.client.post(REGISTER, headers=headers, json={}), 400)
    assert_error(await api.client.request("DELETE", REGISTER, headers=headers, json={"token": " "}), 400, "token")
    assert_error(await api.client.request("DELETE", REGISTER, headers=headers, json={}), 400)
    assert_error(await api.client.request("DELETE", REGISTER, headers=headers, json={"token": "A" * 3000}), 400,
                 "token")
    assert await devices_of(api, member) == []


async def test_anonymous_callers_are_refused(api: Api) -> None:
    assert_error(await api.client.post(REGISTER, json={"token": EXPO}), 401)
    assert_error(await api.client.request("DELETE", REGISTER, json={"token": EXPO}), 401)
    assert_error(await api.client.get("/eebc/api/v1/notifications/stream/"), 401)
