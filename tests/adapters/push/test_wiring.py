"""What entrypoints/di/push.py builds from the settings: log senders by default, the real ones when live."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dishka import Provider, Scope, from_context, make_async_container

from adapters.notify.sms_console import ConsoleSmsSender
from adapters.push.console import LogPushSender
from adapters.push.expo import ExpoSender
from adapters.push.fakes.expo import FakeExpo
from adapters.push.fakes.fcm import FakeFcm
from adapters.push.fcm import FcmSender
from adapters.sms.fakes.twilio import FakeTwilio
from adapters.sms.twilio import TwilioSms
from application.notifications.channels import DeliveryKind, PushChannels, PushMessage, SmsChannel
from application.shared.ports import SmsMessage, SmsSender
from entrypoints.di.notify import NotifyProvider
from entrypoints.di.push import PushProvider
from entrypoints.settings import Settings


class SettingsProvider(Provider):
    settings = from_context(provides=Settings, scope=Scope.APP)


def container_for(settings: Settings):  # type: ignore[no-untyped-def]
    return make_async_container(SettingsProvider(), PushProvider(), context={Settings: settings})


async def test_unconfigured_push_and_sms_are_logged(tmp_path: Path) -> None:
    container = container_for(Settings(data_dir=tmp_path))
    try:
        push = await container.get(PushChannels)
        sms = await container.get(SmsChannel)
        expo_token = "ExponentPushToken[abc]"
        outcomes = await push.sender_for(expo_token).send([PushMessage(expo_token, "t", "b")])
    finally:
        await container.close()
    assert isinstance(push.fcm, LogPushSender) and isinstance(push.expo, LogPushSender)
    assert isinstance(sms, ConsoleSmsSender)
    assert outcomes[0].kind is DeliveryKind.SENT and push.expo.sent and not push.fcm.sent


async def test_live_settings_reach_the_providers(tmp_path: Path) -> None:
    with FakeFcm() as fcm, FakeExpo(access_token="expo-secret") as expo, FakeTwilio() as twilio:
        settings = Settings.from_env({
            "AGORA_DATA_DIR": str(tmp_path), "AGORA_SECRET_KEY": "k", "AGORA_PUSH": "live",
            "AGORA_FCM_SERVICE_ACCOUNT": json.dumps(fcm.service_account()), "AGORA_FCM_BASE_URL": fcm.url,
            "AGORA_EXPO_ACCESS_TOKEN": "expo-secret", "AGORA_EXPO_BASE_URL": expo.url,
            "AGORA_SMS_PROVIDER": "twilio", "TWILIO_ACCOUNT_SID": twilio.account_sid,
            "TWILIO_AUTH_TOKEN": twilio.auth_token, "TWILIO_FROM": "SpotVibe", "TWILIO_BASE_URL": twilio.url})
        container = container_for(settings)
        try:
            push = await container.get(PushChannels)
            sms = await container.get(SmsChannel)
            tokens = ["ExponentPushToken[abc]", "fcm-registration-token-0123456789"]
            outcomes = [(await push.sender_for(t).send([PushMessage(t, "t", "b")]))[0] for t in tokens]
            texted = await sms.deliver(SmsMessage(to="+22997000001", text="Bonjour"))
        finally:
            await container.close()
    assert isinstance(push.fcm, FcmSender) and isinstance(push.expo, ExpoSender) and isinstance(sms, TwilioSms)
    assert [o.kind for o in outcomes] == [DeliveryKind.SENT, DeliveryKind.SENT] and texted.kind is DeliveryKind.SENT
    assert len(expo.pushed) == 1 and len(fcm.delivered) == 1 and twilio.messages[0]["from"] == "SpotVibe"


def test_twilio_without_its_credentials_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="TWILIO_AUTH_TOKEN"):
        Settings.from_env({"AGORA_DATA_DIR": str(tmp_path), "AGORA_SECRET_KEY": "k", "AGORA_SMS_PROVIDER": "twilio",
                           "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_FROM": "SpotVibe"})
    with pytest.raises(ValueError, match="AGORA_PUSH"):
        Settings.from_env({"AGORA_DATA_DIR": str(tmp_path), "AGORA_SECRET_KEY": "k", "AGORA_PUSH": "yes"})


async def test_login_codes_go_through_twilio_when_it_is_the_sms_provider(tmp_path: Path) -> None:
    """The one-off texts (login codes, phone checks) take the same provider as the notifications' SMS."""
    with FakeTwilio() as twilio:
        settings = Settings.from_env({
            "AGORA_DATA_DIR": str(tmp_path), "AGORA_SECRET_KEY": "k", "AGORA_SMS_PROVIDER": "twilio",
            "TWILIO_ACCOUNT_SID": twilio.account_sid, "TWILIO_AUTH_TOKEN": twilio.auth_token,
            "TWILIO_FROM": "SpotVibe", "TWILIO_BASE_URL": twilio.url})
        container = make_async_container(SettingsProvider(), NotifyProvider(), context={Settings: settings})
        try:
            sender = await container.get(SmsSender)
            await sender.send(SmsMessage(to="+22997000001", text="Votre code : 123456"))
        finally:
            await container.close()
    assert isinstance(sender, TwilioSms)
    assert [(m["to"], m["body"]) for m in twilio.messages] == [("+22997000001", "Votre code : 123456")]
    console = make_async_container(SettingsProvider(), NotifyProvider(),
                                   context={Settings: Settings(data_dir=tmp_path)})
    try:
        assert isinstance(await console.get(SmsSender), ConsoleSmsSender)
    finally:
        await console.close()
