"""The delivery channels of notifications: push (FCM, Expo) and SMS, built from the settings. Unconfigured, push
goes to a log sender and SMS to the console sender, so development needs no provider account."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide

from adapters.notify.sms_console import ConsoleSmsSender
from adapters.push.console import LogPushSender
from adapters.push.expo import ExpoSender, ExpoSettings
from adapters.push.fcm import FcmSender, FcmSettings, ServiceAccount
from adapters.sms.twilio import TwilioSettings, TwilioSms
from application.notifications.channels import PushChannels, SmsChannel
from entrypoints.settings import Settings

log = logging.getLogger("agora.push")


def twilio_settings(settings: Settings) -> TwilioSettings:
    return TwilioSettings(account_sid=settings.twilio_account_sid, auth_token=settings.twilio_auth_token,
                          api_key_sid=settings.twilio_api_key_sid, sender=settings.twilio_from,
                          messaging_service_sid=settings.twilio_messaging_service_sid,
                          status_callback=settings.twilio_status_callback, base_url=settings.twilio_base_url)


class PushProvider(Provider):
    scope = Scope.APP

    @provide
    async def push(self, settings: Settings) -> AsyncIterator[PushChannels]:
        if settings.push_mode != "live":
            expo_log = LogPushSender("expo")
            yield PushChannels(fcm=LogPushSender("fcm"), expo=expo_log, expo_receipts=expo_log)
            return
        expo = ExpoSender(ExpoSettings(access_token=settings.expo_access_token, base_url=settings.expo_base_url))
        fcm: FcmSender | LogPushSender
        if settings.fcm_service_account:
            fcm = FcmSender(FcmSettings(ServiceAccount.parse(settings.fcm_service_account),
                                        base_url=settings.fcm_base_url))
        else:
            log.warning("AGORA_PUSH=live without AGORA_FCM_SERVICE_ACCOUNT: FCM pushes are only logged")
            fcm = LogPushSender("fcm")
        try:
            yield PushChannels(fcm=fcm, expo=expo, expo_receipts=expo)
        finally:
            await expo.aclose()
            if isinstance(fcm, FcmSender):
                await fcm.aclose()

    @provide
    async def sms(self, settings: Settings) -> AsyncIterator[SmsChannel]:
        if settings.sms_provider != "twilio":
            yield ConsoleSmsSender(settings.data_dir / "sms")
            return
        twilio = TwilioSms(twilio_settings(settings))
        try:
            yield twilio
        finally:
            await twilio.aclose()
