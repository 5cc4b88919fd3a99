"""Email, SMS and file storage (chosen in entrypoints/di/media.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide

from adapters.notify.email_console import ConsoleEmailSender
from adapters.notify.email_smtp import SmtpEmailSender, SmtpSettings
from adapters.notify.sms_console import ConsoleSmsSender
from adapters.sms.twilio import TwilioSms
from application.shared.ports import EmailSender, FileStorage, SmsSender
from entrypoints.di.media import file_storage
from entrypoints.di.push import twilio_settings
from entrypoints.settings import Settings


class NotifyProvider(Provider):
    scope = Scope.APP

    @provide
    def email(self, settings: Settings) -> EmailSender:
        if settings.email_backend == "smtp":
            return SmtpEmailSender(SmtpSettings(
                host=settings.smtp_host, port=settings.smtp_port, username=settings.smtp_username,
                password=settings.smtp_password, use_tls=settings.smtp_tls, from_address=settings.smtp_from,
            ))
        return ConsoleEmailSender(settings.mail_dir)

    @provide
    async def sms(self, settings: Settings) -> AsyncIterator[SmsSender]:
        """Login codes and other one-off texts: Twilio when AGORA_SMS_PROVIDER=twilio, else files on disk."""
        if settings.sms_provider != "twilio":
            yield ConsoleSmsSender(settings.data_dir / "sms")
            return
        twilio = TwilioSms(twilio_settings(settings))
        try:
            yield twilio
        finally:
            await twilio.aclose()

    @provide
    def storage(self, settings: Settings) -> FileStorage:
        return file_storage(settings)
