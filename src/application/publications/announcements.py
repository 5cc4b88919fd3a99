"""What publications tells the world through the outbox: a publication just published is told to the town's
accounts by a job of this context (TELL_FOLLOWERS), keyed on the publication so that it runs once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from application.publications.topics import TELL_FOLLOWERS
from application.shared.ports import OutboxMessage
from domain.publications.events import PublicationPublished


def tell_followers(publication_id: int, municipality_id: int, author_id: int, title: str) -> OutboxMessage:
    return OutboxMessage(topic=TELL_FOLLOWERS, key=f"{TELL_FOLLOWERS}:{publication_id}", payload={
        "publication_id": publication_id, "municipality_id": municipality_id, "author_id": author_id,
        "title": title})


def published(event: PublicationPublished) -> OutboxMessage:
    assert event.publication_id is not None, "a publication is announced once stored"
    return tell_followers(event.publication_id, event.municipality_id, event.author_id, event.title)


ANNOUNCEMENTS: dict[type, Callable[[Any], OutboxMessage]] = {PublicationPublished: published}
