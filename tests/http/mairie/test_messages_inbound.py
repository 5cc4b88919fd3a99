"""A citizen's emailed answer threads back into the conversation: POST /webhooks/mail/inbound/ (signed, taken
once per provider message id, found by the reply-to token, from the citizen's address only)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any

import pytest
from dishka import Provider, Scope

from application.messaging.config import MessagingConfig
from tests.http.conftest import Api
from tests.http.mairie.helpers import API, account, bearer, mayor
from tests.http.mairie.test_messages import URL, start_body

SECRET = "s3cret-inbound"
WEBHOOK = "/webhooks/mail/inbound/"


@pytest.fixture
def extra_providers() -> list[Provider]:
    provider = Provider(scope=Scope.APP)
    provider.provide(lambda: MessagingConfig(reply_domain="reponses.mairie.test", inbound_secret=SECRET),
                     provides=MessagingConfig)
    return [provider]


def signed(body: dict[str, Any], secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-Agora-Signature": signature, "Content-Type": "application/json"}


async def answered(api: Api) -> tuple[str, str, dict[str, str], dict[str, str]]:
    """A citizen's conversation the mayor answered; its id, the Reply-To address, the mayor's and citizen's auth."""
    staff = bearer((await mayor(api))["access_token"])
    citizen = bearer((await account(api, "marie@example.fr"))["access_token"])
    created = (await api.client.post(URL, json=start_body(), headers=citizen)).json()
    replied = await api.client.post(f"{URL}{created['id']}/reply/", data={"content": "Bonjour"}, headers=staff)
    assert replied.status_code == 201, replied.text
    email = await api.last_email_to("marie@example.fr")
    assert email is not None and "Répondez simplement à cet email" in email.text
    reply_to = email.headers["Reply-To"]
    assert re.fullmatch(r"conv\+[0-9a-f]{32}@reponses\.mairie\.test", reply_to), reply_to
    await api.client.put(f"{URL}{created['id']}/", json={"status": "read"}, headers=staff)
    return created["id"], reply_to, staff, citizen


def mail(reply_to: str, **changes: Any) -> dict[str, Any]:
    body = {"message_id": "<abc@provider>", "from": "Marie@Example.fr", "to": reply_to,
            "text": "Merci !\n\nLe 5 déc. 2025, Mairie a écrit :\n> Bonjour"}
    body.update(changes)
    return body


async def test_an_emailed_answer_threads_back_once(api: Api) -> None:
    conversation_id, reply_to, staff, _ = await answered(api)
    raw, headers = signed(mail(reply_to))

    first = await api.client.post(WEBHOOK, content=raw, headers=headers)
    again = await api.client.post(WEBHOOK, content=raw, headers=headers)

    assert first.status_code == 200 and first.json() == {"status": "ok", "outcome": "stored"}
    assert again.status_code == 200 and again.json() == {"status": "ok", "outcome": "duplicate"}
    detail = (await api.client.get(f"{URL}{conversation_id}/", headers=staff)).json()
    assert [m["content"] for m in detail["messages"]] == ["Quels horaires ?", "Bonjour", "Merci !"]
    assert detail["status"] == "unread" and detail["unread_count"] == 1
    assert (await api.client.get(f"{API}/messages/conversations/", headers=staff)).json()["unread_count"] == 1


async def test_unsigned_unknown_or_foreign_mail_is_refused(api: Api) -> None:
    conversation_id, reply_to, staff, _ = await answered(api)

    raw, headers = signed(mail(reply_to), secret="wrong")
    assert (await api.client.post(WEBHOOK, content=raw, headers=headers)).status_code == 401
    raw, _ = signed(mail(reply_to))
    assert (await api.client.post(WEBHOOK, content=raw, headers={"Content-Type": "application/json"})
            ).status_code == 401
    for changes in ({"to": "conv+" + "0" * 32 + "@reponses.mairie.test"}, {"to": "mairie@example.fr"},
                    {"from": "pirate@example.fr", "message_id": "<other@provider>"}):
        raw, headers = signed(mail(reply_to, **changes))
        assert (await api.client.post(WEBHOOK, content=raw, headers=headers)).status_code == 404
    for body in (mail(reply_to, text="> rien de neuf", message_id="<q@p>"), {"message_id": "x"},
                 mail(reply_to, message_id="")):
        raw, headers = signed(body)
        assert (await api.client.post(WEBHOOK, content=raw, headers=headers)).status_code == 400
    raw = b"[1, 2"
    signature = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert (await api.client.post(WEBHOOK, content=raw, headers={"X-Agora-Signature": signature})).status_code == 400
    detail = (await api.client.get(f"{URL}{conversation_id}/", headers=staff)).json()
    assert len(detail["messages"]) == 2
