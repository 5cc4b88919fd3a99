"""What the publications context needs: its storage, its read side, and the accounts of a town."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from application.shared.ports import OutboxMessage
from domain.publications.model import Comment, Publication, PublicationStatus, PublicationType

# ---------------------------------------------------------------- storage (unit of work)


@dataclass(frozen=True)
class DuePublication:
    """A scheduled publication the cron has just published."""

    id: int
    municipality_id: int
    author_id: int
    title: str
    scheduled_at: datetime
    first_time: bool  # never published before: the town is told


class PublicationRepository(Protocol):
    async def add(self, publication: Publication) -> Publication:
        """Stores a new publication and gives it its id."""
        ...

    async def get_for_update(self, publication_id: int) -> Publication | None:
        """Loads it and holds it against concurrent writers until the transaction ends."""
        ...

    async def save(self, publication: Publication) -> None: ...

    async def delete(self, publication: Publication) -> None:
        """Removes it with its likes, comments and views."""
        ...

    async def publish_due(self, now: datetime, limit: int) -> list[DuePublication]:
        """Publishes, by one conditional statement, up to `limit` scheduled publications whose time is not after
        `now`; each is returned by exactly one caller, however many run at once."""
        ...

    async def archive_expired(self, now: datetime) -> int:
        """Archives the published ones whose `expires_at` is not after `now`; how many."""
        ...


class CommentRepository(Protocol):
    async def add(self, comment: Comment) -> Comment:
        """Stores it and adds one to its publication's comment count, in the database."""
        ...

    async def get(self, publication_id: int, comment_id: int) -> Comment | None: ...

    async def hide(self, comment: Comment) -> None:
        """Hides it (moderation) and its visible replies, keeping the count of visible comments right."""
        ...

    async def delete(self, comment: Comment) -> None:
        """Deletes it with its replies, keeping the count of visible comments right."""
        ...


class LikeRepository(Protocol):
    async def toggle(self, publication_id: int, user_id: int) -> tuple[bool, int]:
        """Likes the publication if the account did not, else takes the like back; (liked now, like count)."""
        ...


class ViewCounter(Protocol):
    async def count(self, publication_id: int, user_id: int, now: datetime, since: datetime) -> bool:
        """Adds one view unless this account was counted for it after `since`; one statement, no unit of work
        (a repeated look writes nothing). True when counted."""
        ...


# ---------------------------------------------------------------- read side


@dataclass(frozen=True)
class Author:
    id: int
    name: str
    role: str
    avatar_url: str | None


@dataclass(frozen=True)
class PublicationCard:
    publication: Publication  # detached: nothing read here is saved
    author: Author


@dataclass(frozen=True)
class CommentCard:
    comment: Comment
    author: Author


class SortKey(StrEnum):
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    PUBLISHED_AT = "published_at"
    SCHEDULED_AT = "scheduled_at"
    TITLE = "title"
    VIEWS = "views"
    LIKES = "likes"


@dataclass(frozen=True)
class PublicationSearch:
    municipality_id: int
    now: datetime
    see_unpublished: bool  # False: published and not expired only
    type: PublicationType | None = None
    status: PublicationStatus | None = None
    search: str | None = None  # text found anywhere in the title or the content, its wildcards taken literally
    sort: SortKey = SortKey.CREATED_AT
    descending: bool = True
    limit: int = 20
    offset: int = 0


class PublicationReads(Protocol):
    """Committed data, one round trip each."""

    async def page(self, search: PublicationSearch) -> tuple[list[PublicationCard], int]:
        """Pinned first, then by the sort key (ties by id), and the total matching."""
        ...

    async def card(self, publication_id: int) -> PublicationCard | None: ...

    async def comments(self, publication_id: int) -> list[CommentCard]:
        """The visible comments, oldest first."""
        ...

    async def liked(self, publication_id: int, user_id: int) -> bool: ...

    async def author(self, user_id: int) -> Author | None: ...


class TownAccounts(Protocol):
    """Identity's accounts of a town, for the notices (notifications applies each account's opt-outs)."""

    async def active_ids(self, municipality_id: int, after_id: int, limit: int) -> Sequence[int]:
        """Ids of the town's active accounts above `after_id`, in id order, at most `limit`."""
        ...


class Notices(Protocol):
    """How this context asks notifications to tell people (wired in entrypoints, where contexts meet)."""

    def published(self, user_ids: Sequence[int], publication_id: int, title: str) -> OutboxMessage:
        """The request to tell these accounts the publication is out; its key comes from the publication, so a
        second request for the same accounts tells nobody twice."""
        ...
