"""What happens to a publication, recorded by the aggregate and handed to the outbox at commit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PublicationPublished:
    publication_id: int | None
    municipality_id: int
    author_id: int
    title: str
