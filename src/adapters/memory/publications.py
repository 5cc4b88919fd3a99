"""Memory adapters of the publications context over a MemoryStore (the application tests' world)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from adapters.memory.store import MemoryStore, detached
from application.publications.ports import (
    Author,
    CommentCard,
    DuePublication,
    PublicationCard,
    PublicationSearch,
    SortKey,
)
from domain.identity.model import Realm
from domain.publications.model import Comment, CommentStatus, Publication, PublicationStatus

PUBLICATIONS, COMMENTS, LIKES, VIEWERS = ("publications_publications", "publications_comments",
                                          "publications_likes", "publications_viewers")
ROLE_ORDER = ("mayor", "admin", "moderator", "citizen")
COUNTERS = ("likes_count", "comments_count", "views")


class MemoryPublicationRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._rows: dict[int, Publication] = store.table(PUBLICATIONS)

    async def add(self, publication: Publication) -> Publication:
        publication.id = self._store.next_id(PUBLICATIONS)
        self._rows[publication.id] = self._store.keep(publication)
        return publication

    async def get_for_update(self, publication_id: int) -> Publication | None:
        found = self._rows.get(publication_id)
        return detached(found) if found else None

    async def save(self, publication: Publication) -> None:
        assert publication.id is not None, "a publication is added before it is saved"
        kept = self._store.keep(publication)
        current = self._rows.get(publication.id)
        if current is not None:  # the counters move in the store, not through the entity
            for name in COUNTERS:
                setattr(kept, name, getattr(current, name))
        self._rows[publication.id] = kept

    async def delete(self, publication: Publication) -> None:
        self._rows.pop(publication.id or 0, None)
        comments: dict[int, Comment] = self._store.table(COMMENTS)
        for key in [k for k, c in comments.items() if c.publication_id == publication.id]:
            del comments[key]
        for name in (LIKES, VIEWERS):
            table = self._store.table(name)
            for key in [k for k in table if k[0] == publication.id]:
                del table[key]

    async def publish_due(self, now: datetime, limit: int) -> list[DuePublication]:
        due = sorted((p for p in self._rows.values() if p.status is PublicationStatus.SCHEDULED
                      and p.scheduled_at is not None and p.scheduled_at <= now),
                     key=lambda p: (p.scheduled_at, p.id))[:limit]
        found = []
        for publication in due:
            assert publication.id is not None and publication.scheduled_at is not None
            found.append(DuePublication(publication.id, publication.municipality_id, publication.author_id,
                                        publication.title, publication.scheduled_at, publication.published_at is None))
            publication.status, publication.updated_at = PublicationStatus.PUBLISHED, now
            publication.published_at = publication.published_at or now
        return found

    async def archive_expired(self, now: datetime) -> int:
        expired = [p for p in self._rows.values() if p.status is PublicationStatus.PUBLISHED
                   and p.expires_at is not None and p.expires_at <= now]
        for publication in expired:
            publication.status, publication.updated_at = PublicationStatus.ARCHIVED, now
        return len(expired)


class MemoryCommentRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._rows: dict[int, Comment] = store.table(COMMENTS)
        self._publications: dict[int, Publication] = store.table(PUBLICATIONS)

    async def add(self, comment: Comment) -> Comment:
        comment.id = self._store.next_id(COMMENTS)
        self._rows[comment.id] = detached(comment)
        self._publications[comment.publication_id].comments_count += 1
        return comment

    async def get(self, publication_id: int, comment_id: int) -> Comment | None:
        found = self._rows.get(comment_id)
        return detached(found) if found is not None and found.publication_id == publication_id else None

    def _subtree(self, comment_id: int) -> list[Comment]:
        found, todo = [], [comment_id]
        while todo:
            current = todo.pop()
            found.append(self._rows[current])
            todo.extend(c.id for c in self._rows.values() if c.parent_id == current and c.id is not None)
        return found

    async def hide(self, comment: Comment) -> None:
        assert comment.id is not None
        visible = [c for c in self._subtree(comment.id) if c.status is CommentStatus.VISIBLE]
        for found in visible:
            found.status = CommentStatus.HIDDEN
        self._publications[comment.publication_id].comments_count -= len(visible)

    async def delete(self, comment: Comment) -> None:
        assert comment.id is not None
        tree = self._subtree(comment.id)
        for found in tree:
            del self._rows[found.id or 0]
        self._publications[comment.publication_id].comments_count -= sum(
            1 for c in tree if c.status is CommentStatus.VISIBLE)


class MemoryLikeRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._likes: dict[tuple[int, int], bool] = store.table(LIKES)
        self._publications: dict[int, Publication] = store.table(PUBLICATIONS)

    async def toggle(self, publication_id: int, user_id: int) -> tuple[bool, int]:
        publication = self._publications[publication_id]
        if self._likes.pop((publication_id, user_id), None):
            publication.likes_count -= 1
            return False, publication.likes_count
        self._likes[(publication_id, user_id)] = True
        publication.likes_count += 1
        return True, publication.likes_count


class MemoryViewCounter:
    def __init__(self, store: MemoryStore) -> None:
        self._viewers: dict[tuple[int, int], datetime] = store.table(VIEWERS)
        self._publications: dict[int, Publication] = store.table(PUBLICATIONS)

    async def count(self, publication_id: int, user_id: int, now: datetime, since: datetime) -> bool:
        last = self._viewers.get((publication_id, user_id))
        if last is not None and last > since:
            return False
        self._viewers[(publication_id, user_id)] = now
        self._publications[publication_id].views += 1
        return True


def _author(user: Any, user_id: int) -> Author:
    if user is None:
        return Author(user_id, "", "", None)
    roles = list(user.roles)
    role = next((name for name in ROLE_ORDER if name in roles), roles[0] if roles else "")
    return Author(user_id, f"{user.first_name} {user.last_name}".strip(), role, user.photo)


def _sort_value(publication: Publication, key: SortKey) -> Any:
    return getattr(publication, {SortKey.LIKES: "likes_count"}.get(key, key.value))


class MemoryPublicationReads:
    def __init__(self, store: MemoryStore) -> None:
        self._publications: dict[int, Publication] = store.table(PUBLICATIONS)
        self._comments: dict[int, Comment] = store.table(COMMENTS)
        self._likes: dict[tuple[int, int], bool] = store.table(LIKES)
        self._users: dict[int, Any] = store.table("users")  # identity's accounts, as the SQL side joins them

    def _card(self, publication: Publication) -> PublicationCard:
        return PublicationCard(detached(publication),
                               _author(self._users.get(publication.author_id), publication.author_id))

    def _matches(self, publication: Publication, search: PublicationSearch) -> bool:
        needle = (search.search or "").lower()
        return (publication.municipality_id == search.municipality_id
                and (search.see_unpublished or publication.is_live(search.now))
                and (search.type is None or publication.type is search.type)
                and (search.status is None or publication.status is search.status)
                and (not needle or needle in publication.title.lower() or needle in publication.content.lower()))

    async def page(self, search: PublicationSearch) -> tuple[list[PublicationCard], int]:
        found = [p for p in self._publications.values() if self._matches(p, search)]
        present = [p for p in found if _sort_value(p, search.sort) is not None]
        present.sort(key=lambda p: (_sort_value(p, search.sort), p.id), reverse=search.descending)
        ordered = present + sorted((p for p in found if _sort_value(p, search.sort) is None),
                                   key=lambda p: p.id or 0, reverse=search.descending)
        ordered.sort(key=lambda p: not p.is_pinned)  # stable: pinned first, each group in its order
        return [self._card(p) for p in ordered[search.offset: search.offset + search.limit]], len(found)

    async def card(self, publication_id: int) -> PublicationCard | None:
        found = self._publications.get(publication_id)
        return self._card(found) if found else None

    async def comments(self, publication_id: int) -> list[CommentCard]:
        found = sorted((c for c in self._comments.values() if c.publication_id == publication_id
                        and c.status is CommentStatus.VISIBLE), key=lambda c: (c.created_at, c.id))
        return [CommentCard(detached(c), _author(self._users.get(c.author_id), c.author_id)) for c in found]

    async def liked(self, publication_id: int, user_id: int) -> bool:
        return (publication_id, user_id) in self._likes

    async def author(self, user_id: int) -> Author | None:
        user = self._users.get(user_id)
        return _author(user, user_id) if user is not None else None


class MemoryTownAccounts:
    def __init__(self, store: MemoryStore) -> None:
        self._users: dict[int, Any] = store.table("users")

    async def active_ids(self, municipality_id: int, after_id: int, limit: int) -> Sequence[int]:
        return sorted(user_id for user_id, user in self._users.items()
                      if user.realm is Realm.MAIRIE and user.municipality_id == municipality_id and user.is_active
                      and user_id > after_id)[:limit]
