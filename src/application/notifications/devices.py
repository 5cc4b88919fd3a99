"""The devices a person's pushes go to. Expo tokens (`ExponentPushToken[...]`) go through Expo, any other token
is an FCM registration token."""

from __future__ import annotations

import re
from dataclasses import dataclass

from application.notifications.channels import is_expo_token
from application.notifications.ports import DeviceRepository
from application.shared.ports import Clock, UnitOfWork
from domain.notifications.model import Platform, PushDevice, PushService
from domain.notifications.permissions import USE_INBOX
from domain.shared.actor import Actor
from domain.shared.errors import FieldErrors, InvalidInput

# FCM registration tokens: URL-safe base64 with a colon, about 150-200 characters; Expo's: the bracketed form.
# The cap stays well under what one PostgreSQL btree entry holds (~2.7 kB: the tokens' unique index).
MAX_TOKEN = 1024
_FCM_TOKEN = re.compile(r"^[A-Za-z0-9_:\-]{32,1024}$")
MAX_NAME = 100


@dataclass(frozen=True)
class RegisterDeviceCommand:
    token: str
    platform: str | None = None
    device_name: str = ""


@dataclass(frozen=True)
class Registered:
    device: PushDevice
    already: bool  # this account had this token active already


class RegisterDevice:
    def __init__(self, devices: DeviceRepository, uow: UnitOfWork, clock: Clock) -> None:
        self._devices = devices
        self._uow = uow
        self._clock = clock

    async def __call__(self, actor: Actor, cmd: RegisterDeviceCommand) -> Registered:
        USE_INBOX.check(actor)
        token = cmd.token.strip()
        errors = FieldErrors()
        expo = is_expo_token(token)
        if not expo and _FCM_TOKEN.match(token) is None:
            errors.add("token", "Token push invalide (ExponentPushToken[...] ou token FCM)")
        if len(token) > MAX_TOKEN:
            errors.add("token", f"Token push trop long (au plus {MAX_TOKEN} caractères)")
        platform = None
        if cmd.platform:
            try:
                platform = Platform(cmd.platform.strip().upper())
            except ValueError:
                errors.add("platform", "Plateforme inconnue (ANDROID, IOS ou WEB)")
        name = cmd.device_name.strip()
        if len(name) > MAX_NAME:
            errors.add("device_name", f"Au plus {MAX_NAME} caractères")
        errors.raise_if_any()
        already = any(d.token == token for d in await self._devices.of_user(actor.user_id))
        now = self._clock.now()
        device = await self._devices.register(PushDevice(
            user_id=actor.user_id, token=token, service=PushService.EXPO if expo else PushService.FCM,
            platform=platform, device_name=name, created_at=now, updated_at=now))
        await self._uow.commit()
        return Registered(device, already)


class UnregisterDevice:
    """Deactivates the actor's device with this token; False when they had none active (nothing changes)."""

    def __init__(self, devices: DeviceRepository, uow: UnitOfWork) -> None:
        self._devices = devices
        self._uow = uow

    async def __call__(self, actor: Actor, token: str) -> bool:
        USE_INBOX.check(actor)
        if not token.strip() or len(token.strip()) > MAX_TOKEN:
            raise InvalidInput.on_field("token", "Token push invalide")
        changed = await self._devices.deactivate(actor.user_id, token.strip())
        await self._uow.commit()
        return changed


class Devices:
    def __init__(self, devices: DeviceRepository, uow: UnitOfWork) -> None:
        self._devices = devices
        self._uow = uow

    async def __call__(self, actor: Actor) -> list[PushDevice]:
        USE_INBOX.check(actor)
        found = await self._devices.of_user(actor.user_id)
        await self._uow.commit()
        return found
