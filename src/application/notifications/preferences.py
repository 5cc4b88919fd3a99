"""A person's choices: per kind and channel, on or off and how often. Critical kinds cannot be turned off."""

from __future__ import annotations

from dataclasses import dataclass

from application.notifications.ports import PreferenceRepository
from application.notifications.sending import kind_of
from application.shared.ports import UnitOfWork
from domain.notifications.kinds import KINDS
from domain.notifications.model import Channel, Frequency, Preference
from domain.notifications.permissions import USE_INBOX
from domain.shared.actor import Actor
from domain.shared.errors import FieldErrors, InvalidInput


@dataclass(frozen=True)
class PreferenceView:
    kind: str
    channel: Channel
    active: bool
    frequency: Frequency
    critical: bool


class Preferences:
    def __init__(self, preferences: PreferenceRepository, uow: UnitOfWork) -> None:
        self._preferences = preferences
        self._uow = uow

    async def __call__(self, actor: Actor) -> list[PreferenceView]:
        """Every kind × channel it uses, with the person's choice or the default (on, immediate)."""
        USE_INBOX.check(actor)
        stored = {(p.kind, p.channel): p for p in await self._preferences.of_user(actor.user_id)}
        await self._uow.commit()
        views = []
        for kind in KINDS:
            for channel in Channel:
                if channel not in kind.channels:
                    continue
                chosen = stored.get((kind.code, channel))
                active = kind.critical or chosen is None or chosen.active
                frequency = Frequency.IMMEDIATE if kind.critical or chosen is None else chosen.frequency
                views.append(PreferenceView(kind.code, channel, active, frequency, kind.critical))
        return views


@dataclass(frozen=True)
class SetPreferenceCommand:
    kind: str
    channel: str
    active: bool
    frequency: str = Frequency.IMMEDIATE.value


class SetPreference:
    def __init__(self, preferences: PreferenceRepository, uow: UnitOfWork) -> None:
        self._preferences = preferences
        self._uow = uow

    async def __call__(self, actor: Actor, cmd: SetPreferenceCommand) -> Preference:
        USE_INBOX.check(actor)
        kind = kind_of(cmd.kind)
        errors = FieldErrors()
        try:
            channel = Channel(cmd.channel.upper())
        except ValueError:
            errors.add("channel", f"Canal inconnu : {cmd.channel} (IN_APP, EMAIL, PUSH ou SMS)")
            channel = None
        try:
            frequency = Frequency(cmd.frequency.upper())
        except ValueError:
            errors.add("frequency", f"Fréquence inconnue : {cmd.frequency} (IMMEDIATE, DAILY, WEEKLY ou JAMAIS)")
            frequency = None
        if channel is not None and channel not in kind.channels:
            errors.add("channel", f"{kind.code} n'est pas envoyé par {channel.value}")
        if kind.critical and (not cmd.active or frequency is not Frequency.IMMEDIATE):
            errors.add("active", f"{kind.name} : notification obligatoire, elle ne peut pas être désactivée")
        errors.raise_if_any()
        assert channel is not None and frequency is not None
        if channel is Channel.IN_APP and frequency in (Frequency.DAILY, Frequency.WEEKLY):
            raise InvalidInput.on_field("frequency", "Les notifications dans l'application arrivent tout de suite")
        preference = Preference(actor.user_id, kind.code, channel, cmd.active, frequency)
        await self._preferences.put(preference)
        await self._uow.commit()
        return preference
