"""The publications as screens read them: a town's list, and one publication with its comment threads."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from application.publications.config import PublicationsConfig
from application.publications.ports import (
    CommentCard,
    PublicationCard,
    PublicationReads,
    PublicationSearch,
    SortKey,
    ViewCounter,
)
from application.publications.services import NOT_FOUND, can_see
from application.shared.ports import Clock
from domain.publications.model import PublicationStatus, PublicationType
from domain.publications.permissions import READ_PUBLISHED, SEE_UNPUBLISHED
from domain.shared.actor import Actor
from domain.shared.errors import NotFound

MAX_SEARCH = 200


@dataclass(frozen=True)
class ListFilters:
    type: PublicationType | None = None
    status: PublicationStatus | None = None
    search: str | None = None
    sort: SortKey = SortKey.CREATED_AT
    descending: bool = True
    page: int = 1
    limit: int = 20


@dataclass(frozen=True)
class Thread:
    comment: CommentCard
    replies: tuple[Thread, ...]


@dataclass(frozen=True)
class PublicationDetail:
    card: PublicationCard
    threads: tuple[Thread, ...]
    comments_count: int
    liked_by_me: bool


def threads(comments: list[CommentCard]) -> tuple[Thread, ...]:
    """Comments as threads: each under its parent, oldest first; a reply whose parent is not shown (hidden) is
    left out with it."""
    children: dict[int | None, list[CommentCard]] = {}
    for card in comments:
        children.setdefault(card.comment.parent_id, []).append(card)

    def build(parent: int | None) -> tuple[Thread, ...]:
        return tuple(Thread(card, build(card.comment.id)) for card in children.get(parent, []))

    return build(None)


def _shown(found: tuple[Thread, ...]) -> int:
    return sum(1 + _shown(thread.replies) for thread in found)


class PublicationQueries:
    def __init__(self, reads: PublicationReads, views: ViewCounter, clock: Clock, config: PublicationsConfig) -> None:
        self._reads = reads
        self._views = views
        self._clock = clock
        self._config = config

    async def page(self, actor: Actor, filters: ListFilters) -> tuple[list[PublicationCard], int]:
        """The actor's town's publications they may see (search: ILIKE over title and content)."""
        READ_PUBLISHED.check(actor)
        if actor.municipality_id is None:
            return [], 0
        search = (filters.search or "").strip()[:MAX_SEARCH]
        return await self._reads.page(PublicationSearch(
            municipality_id=actor.municipality_id, now=self._clock.now(),
            see_unpublished=SEE_UNPUBLISHED.allows(actor), type=filters.type, status=filters.status,
            search=search or None, sort=filters.sort, descending=filters.descending,
            limit=filters.limit, offset=(filters.page - 1) * filters.limit))

    async def detail(self, actor: Actor, publication_id: int) -> PublicationDetail:
        """One publication with its visible comments; a look by another than its author counts one view per
        account within the configured window (one statement, nothing written on a repeated look)."""
        READ_PUBLISHED.check(actor)
        now = self._clock.now()
        card = await self._reads.card(publication_id)
        if card is None or not can_see(card.publication, actor, now):
            raise NotFound(NOT_FOUND)
        publication = card.publication
        if publication.is_live(now) and not actor.is_user(publication.author_id) and await self._views.count(
                publication_id, actor.user_id, now, now - self._config.view_window):
            card = dataclasses.replace(card, publication=dataclasses.replace(publication, views=publication.views + 1))
        found = threads(await self._reads.comments(publication_id))
        return PublicationDetail(card=card, threads=found, comments_count=_shown(found),
                                 liked_by_me=await self._reads.liked(publication_id, actor.user_id))
