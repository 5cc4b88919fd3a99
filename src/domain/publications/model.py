"""A town's publication (a post or a communiqué) and its comments: the rules of their fields and of their status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.publications.errors import PublicationInvalid
from domain.publications.events import PublicationPublished
from domain.shared.events import RecordsEvents
from domain.shared.time import require_aware

MAX_TITLE, MAX_CONTENT, MAX_EXCERPT, MAX_CATEGORY = 200, 50_000, 500, 50
MAX_TAGS, MAX_TAG, MAX_IMAGES, MAX_COMMENT = 10, 30, 10, 5_000
AUTO_EXCERPT = 200


class PublicationType(StrEnum):
    POST = "post"
    COMMUNIQUE = "communique"


class PublicationStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SCHEDULED = "scheduled"
    ARCHIVED = "archived"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class CommentStatus(StrEnum):
    VISIBLE = "visible"
    HIDDEN = "hidden"


def make_excerpt(content: str, length: int = AUTO_EXCERPT) -> str:
    """The content's first `length` characters, cut at a word, with an ellipsis when cut."""
    text = " ".join(content.split())
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0] or text[:length]
    return cut.rstrip(" ,;:.") + "…"


@dataclass(frozen=True)
class PublicationDetails:
    """What an author writes; `status` is the one asked for (draft, published or scheduled)."""

    type: PublicationType
    title: str
    content: str
    excerpt: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    priority: Priority | None = None
    allow_comments: bool = True
    is_pinned: bool = False
    scheduled_at: datetime | None = None
    expires_at: datetime | None = None

    def problems(self, status: PublicationStatus, now: datetime) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}

        def wrong(name: str, message: str) -> None:
            errors.setdefault(name, []).append(message)

        if not self.title.strip():
            wrong("title", "Le titre est obligatoire")
        elif len(self.title) > MAX_TITLE:
            wrong("title", f"{MAX_TITLE} caractères au plus")
        if not self.content.strip():
            wrong("content", "Le contenu est obligatoire")
        elif len(self.content) > MAX_CONTENT:
            wrong("content", f"{MAX_CONTENT} caractères au plus")
        if self.excerpt is not None and len(self.excerpt) > MAX_EXCERPT:
            wrong("excerpt", f"{MAX_EXCERPT} caractères au plus")
        if self.category is not None and not 1 <= len(self.category) <= MAX_CATEGORY:
            wrong("category", f"Entre 1 et {MAX_CATEGORY} caractères")
        if len(self.tags) > MAX_TAGS:
            wrong("tags", f"{MAX_TAGS} étiquettes au plus")
        if any(not tag.strip() or len(tag) > MAX_TAG for tag in self.tags):
            wrong("tags", f"Chaque étiquette compte entre 1 et {MAX_TAG} caractères")
        if self.priority is not None and self.type is not PublicationType.COMMUNIQUE:
            wrong("priority", "La priorité ne s'applique qu'aux communiqués")
        if status is PublicationStatus.SCHEDULED:
            if self.scheduled_at is None:
                wrong("scheduled_at", "La date de publication programmée est obligatoire")
            elif self.scheduled_at <= now:
                wrong("scheduled_at", "La date de publication programmée doit être dans le futur")
        if self.expires_at is not None and status is not PublicationStatus.ARCHIVED:
            start = self.scheduled_at if status is PublicationStatus.SCHEDULED and self.scheduled_at else now
            if self.expires_at <= start:
                wrong("expires_at", "La date d'expiration doit suivre la publication")
        return errors


@dataclass(eq=False)
class Publication(RecordsEvents):
    municipality_id: int
    author_id: int
    type: PublicationType
    title: str
    content: str
    excerpt: str
    category: str | None
    tags: list[str]
    priority: Priority | None
    allow_comments: bool
    is_pinned: bool
    status: PublicationStatus
    created_at: datetime
    updated_at: datetime
    scheduled_at: datetime | None = None
    published_at: datetime | None = None
    expires_at: datetime | None = None
    cover_image: str | None = None
    images: list[str] = field(default_factory=list)
    likes_count: int = 0
    comments_count: int = 0
    views: int = 0
    id: int | None = None

    @classmethod
    def create(cls, municipality_id: int, author_id: int, details: PublicationDetails, status: PublicationStatus,
               now: datetime) -> Publication:
        require_aware(now)
        if status is PublicationStatus.ARCHIVED:
            raise PublicationInvalid.on_field("status", "Une nouvelle publication ne peut pas être archivée")
        publication = cls(municipality_id=municipality_id, author_id=author_id, type=details.type, title="",
                          content="", excerpt="", category=None, tags=[], priority=None, allow_comments=True,
                          is_pinned=False, status=PublicationStatus.DRAFT, created_at=now, updated_at=now)
        publication.edit(details, status, now)
        return publication

    def edit(self, details: PublicationDetails, status: PublicationStatus, now: datetime) -> None:
        """New details and status. Publishing for the first time announces it; a scheduled one waits its time."""
        require_aware(now)
        if errors := details.problems(status, now):
            raise PublicationInvalid("Les données de la publication sont invalides", details=errors)
        self.type, self.title, self.content = details.type, details.title.strip(), details.content
        self.excerpt = (details.excerpt.strip() if details.excerpt and details.excerpt.strip()
                        else make_excerpt(details.content))
        self.category, self.tags = details.category, [tag.strip() for tag in details.tags]
        self.priority = details.priority
        self.allow_comments, self.is_pinned = details.allow_comments, details.is_pinned
        self.expires_at = details.expires_at
        self.scheduled_at = details.scheduled_at if status is PublicationStatus.SCHEDULED else None
        self.updated_at = now
        self._move(status, now)

    def _move(self, status: PublicationStatus, now: datetime) -> None:
        if status is PublicationStatus.PUBLISHED and self.status is not PublicationStatus.PUBLISHED:
            first_time = self.published_at is None
            self.published_at = self.published_at or now
            self.status = status
            if first_time and self.id is not None:
                self.announce()
        self.status = status

    def announce(self) -> None:
        """Records that it was published (once stored: the notice names it). A new publication published at once
        is announced by its creation, after it got its id; a later first publication by `edit`."""
        assert self.id is not None, "a publication is announced once stored"
        self._record(PublicationPublished(self.id, self.municipality_id, self.author_id, self.title))

    def is_live(self, now: datetime) -> bool:
        """What a citizen sees: published and not expired."""
        return self.status is PublicationStatus.PUBLISHED and (self.expires_at is None or self.expires_at > now)

    @property
    def details(self) -> PublicationDetails:
        return PublicationDetails(
            type=self.type, title=self.title, content=self.content, excerpt=self.excerpt, category=self.category,
            tags=tuple(self.tags), priority=self.priority, allow_comments=self.allow_comments,
            is_pinned=self.is_pinned, scheduled_at=self.scheduled_at, expires_at=self.expires_at)


@dataclass(eq=False)
class Comment:
    publication_id: int
    author_id: int
    content: str
    created_at: datetime
    parent_id: int | None = None
    status: CommentStatus = CommentStatus.VISIBLE
    id: int | None = None

    @staticmethod
    def problems(content: str) -> dict[str, list[str]]:
        if not content.strip():
            return {"content": ["Le commentaire est vide"]}
        if len(content) > MAX_COMMENT:
            return {"content": [f"{MAX_COMMENT} caractères au plus"]}
        return {}
