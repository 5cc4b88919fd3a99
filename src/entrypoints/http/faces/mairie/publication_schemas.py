"""Mairie's publication bodies and answers (mairie-ecms-api.md section 3): ids are "pub_<n>" and "com_<n>"."""

from __future__ import annotations

from datetime import datetime

import msgspec

from application.publications.ports import Author, CommentCard, PublicationCard
from application.publications.queries import PublicationDetail, Thread
from domain.publications.model import Publication
from entrypoints.http.faces.mairie.ids import COMMENT_IDS, PUBLICATION_IDS

ROLE_LABELS = {"mayor": "Maire", "admin": "Administrateur", "moderator": "Modérateur", "citizen": "Citoyen"}
# The command's names -> the wire's, in field errors.
FIELDS = {"scheduled_at": "scheduled_at", "cover": "cover_image", "new_images": "new_images"}


class CreatePublicationBody(msgspec.Struct, kw_only=True):
    """As JSON or multipart/form-data (then `tags` is a JSON array or a comma-separated list, files are
    `cover_image` and `images`, repeated)."""

    type: str = msgspec.field(default="post")
    title: str
    content: str
    excerpt: str | None = None
    category: str | None = None
    tags: list[str] | None = None
    priority: str | None = None
    status: str | None = None
    allow_comments: bool = True
    is_pinned: bool = False
    scheduled_at: datetime | None = None
    expires_at: datetime | None = None


class UpdatePublicationBody(msgspec.Struct, kw_only=True):
    """Only the fields sent change; `remove_images` names images by their path or file name; files are
    `cover_image` and `new_images`, repeated. `scheduled_at` / `expires_at` / `category` / `excerpt` sent as
    null clear them."""

    type: str | None = None
    title: str | None = None
    content: str | None = None
    excerpt: str | msgspec.UnsetType | None = msgspec.UNSET
    category: str | msgspec.UnsetType | None = msgspec.UNSET
    tags: list[str] | None = None
    priority: str | msgspec.UnsetType | None = msgspec.UNSET
    status: str | None = None
    allow_comments: bool | None = None
    is_pinned: bool | None = None
    scheduled_at: datetime | msgspec.UnsetType | None = msgspec.UNSET
    expires_at: datetime | msgspec.UnsetType | None = msgspec.UNSET
    remove_images: list[str] | None = None


class CommentBody(msgspec.Struct, kw_only=True):
    content: str
    parent_id: str | None = None


class AuthorOut(msgspec.Struct):
    id: int
    name: str
    role: str
    avatar_url: str | None


class PublicationOut(msgspec.Struct):
    id: str
    type: str
    title: str
    content: str
    excerpt: str
    cover_image: str | None
    images: list[str]
    author: AuthorOut
    status: str
    category: str | None
    tags: list[str]
    priority: str | None
    likes: int
    comments_count: int
    views: int
    is_pinned: bool
    allow_comments: bool
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    scheduled_at: datetime | None
    expires_at: datetime | None


class PublicationPage(msgspec.Struct):
    count: int
    next: str | None
    previous: str | None
    results: list[PublicationOut]


class CommentAuthorOut(msgspec.Struct):
    id: int
    name: str
    avatar_url: str | None


class CommentOut(msgspec.Struct):
    id: str
    content: str
    author: CommentAuthorOut
    created_at: datetime
    parent_id: str | None
    replies: list[CommentOut]


class PublicationDetailOut(msgspec.Struct):
    id: str
    type: str
    title: str
    content: str
    excerpt: str
    cover_image: str | None
    images: list[str]
    author: AuthorOut
    status: str
    category: str | None
    tags: list[str]
    priority: str | None
    likes: int
    liked_by_me: bool
    comments: list[CommentOut]
    comments_count: int
    views: int
    is_pinned: bool
    allow_comments: bool
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    scheduled_at: datetime | None
    expires_at: datetime | None


class ShortAuthorOut(msgspec.Struct):
    id: int
    name: str


class PublicationCreated(msgspec.Struct):
    id: str
    type: str
    title: str
    content: str
    cover_image: str | None
    status: str
    author: ShortAuthorOut
    created_at: datetime
    message: str


class PublicationUpdated(msgspec.Struct):
    id: str
    title: str
    updated_at: datetime
    message: str


class LikeOut(msgspec.Struct):
    liked: bool
    likes_count: int


class CommentCreated(msgspec.Struct):
    id: str
    content: str
    author: ShortAuthorOut
    created_at: datetime


def publication_id(publication: Publication) -> str:
    assert publication.id is not None
    return PUBLICATION_IDS.wire(publication.id)


def author(found: Author) -> AuthorOut:
    return AuthorOut(id=found.id, name=found.name, role=ROLE_LABELS.get(found.role, found.role),
                     avatar_url=found.avatar_url)


def item(card: PublicationCard) -> PublicationOut:
    p = card.publication
    return PublicationOut(
        id=publication_id(p), type=p.type.value, title=p.title, content=p.content, excerpt=p.excerpt,
        cover_image=p.cover_image, images=list(p.images), author=author(card.author), status=p.status.value,
        category=p.category, tags=list(p.tags), priority=p.priority.value if p.priority else None,
        likes=p.likes_count, comments_count=p.comments_count, views=p.views, is_pinned=p.is_pinned,
        allow_comments=p.allow_comments, created_at=p.created_at, updated_at=p.updated_at,
        published_at=p.published_at, scheduled_at=p.scheduled_at, expires_at=p.expires_at)


def comment(thread: Thread) -> CommentOut:
    c, who = thread.comment.comment, thread.comment.author
    assert c.id is not None
    return CommentOut(id=COMMENT_IDS.wire(c.id), content=c.content,
                      author=CommentAuthorOut(id=who.id, name=who.name, avatar_url=who.avatar_url),
                      created_at=c.created_at, parent_id=COMMENT_IDS.wire(c.parent_id) if c.parent_id else None,
                      replies=[comment(reply) for reply in thread.replies])


def detail(found: PublicationDetail) -> PublicationDetailOut:
    listed = item(found.card)
    values = {name: getattr(listed, name) for name in PublicationOut.__struct_fields__}
    values["comments_count"] = found.comments_count
    return PublicationDetailOut(**values, liked_by_me=found.liked_by_me,
                                comments=[comment(thread) for thread in found.threads])


def created(card: PublicationCard) -> PublicationCreated:
    p = card.publication
    return PublicationCreated(id=publication_id(p), type=p.type.value, title=p.title, content=p.content,
                              cover_image=p.cover_image, status=p.status.value,
                              author=ShortAuthorOut(id=card.author.id, name=card.author.name),
                              created_at=p.created_at, message="Publication créée avec succès")


def comment_created(card: CommentCard) -> CommentCreated:
    assert card.comment.id is not None
    return CommentCreated(id=COMMENT_IDS.wire(card.comment.id), content=card.comment.content,
                          author=ShortAuthorOut(id=card.author.id, name=card.author.name),
                          created_at=card.comment.created_at)
