"""Settings of the conversations: where attachments go, how many per page, the reply-to address of emails."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MessagingConfig:
    attachment_folder: str = "messaging/attachments"
    page_size: int = 20
    # Emails to citizens say "reply to conv+<token>@<reply_domain>" when inbound mail is set up; None: no Reply-To
    # header, the email tells the citizen to answer from their account (AGORA_MESSAGING_REPLY_DOMAIN).
    reply_domain: str | None = None
    app_name: str = "E-CMS Mairie"
    # The shared secret an inbound-mail provider signs its webhook calls with (AGORA_MESSAGING_INBOUND_SECRET);
    # None: the webhook answers 503 (inbound mail not set up).
    inbound_secret: str | None = None

    def reply_address(self, token: str) -> str | None:
        return f"conv+{token}@{self.reply_domain}" if self.reply_domain else None
