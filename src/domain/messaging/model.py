"""The Conversation aggregate (status, the two unread counters, the clocks) and its messages and attachments.

`status` is the staff's view: a citizen's message makes the conversation unread for the town hall, marking it
read or archived is the staff's. The citizen's view is `citizen_unread` (staff messages they have not read yet),
shown to them as the conversation's status (see `status_for`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.messaging.errors import ConversationInvalid
from domain.messaging.events import StaffReplied
from domain.shared.events import RecordsEvents
from domain.shared.time import require_aware

SUBJECT_MAX, CONTENT_MAX, ATTACHMENT_NAME_MAX = 200, 10_000, 200
MAX_ATTACHMENTS = 5


class ConversationStatus(StrEnum):
    UNREAD = "unread"
    READ = "read"
    ARCHIVED = "archived"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Category(StrEnum):
    SERVICES = "services"
    CIVIL_STATUS = "etat_civil"
    URBAN_PLANNING = "urbanisme"
    ROADS = "voirie"
    ENVIRONMENT = "environnement"
    SOCIAL = "social"
    EDUCATION = "education"
    CULTURE = "culture"
    OTHER = "autre"


CITIZEN = "citizen"  # sender_type of a citizen; staff messages carry the author's role (mayor, admin, moderator)


def content_problems(content: str) -> dict[str, list[str]]:
    if not content.strip():
        return {"content": ["Ce champ est requis"]}
    if len(content) > CONTENT_MAX:
        return {"content": [f"Au plus {CONTENT_MAX} caractères"]}
    return {}


def check_opening(subject: str, content: str) -> None:
    found = content_problems(content)
    if not subject.strip():
        found["subject"] = ["Ce champ est requis"]
    elif len(subject) > SUBJECT_MAX:
        found["subject"] = [f"Au plus {SUBJECT_MAX} caractères"]
    if found:
        raise ConversationInvalid("Les données du message sont invalides", details=found)


def seconds_between(start: datetime, end: datetime | None) -> int | None:
    return None if end is None else max(0, int((end - start).total_seconds()))


@dataclass(kw_only=True)
class Conversation(RecordsEvents):
    municipality_id: int
    citizen_id: int
    subject: str
    category: Category
    priority: Priority
    reply_token: str  # threads a citizen's email reply back here (conv+<token>@...)
    created_at: datetime
    updated_at: datetime
    status: ConversationStatus = ConversationStatus.UNREAD
    staff_unread: int = 0  # citizen messages the town hall has not marked read
    citizen_unread: int = 0  # staff messages the citizen has not read
    message_count: int = 0
    last_message_id: int | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    id: int | None = None

    @classmethod
    def open(cls, *, municipality_id: int, citizen_id: int, subject: str, category: Category, priority: Priority,
             reply_token: str, now: datetime) -> Conversation:
        require_aware(now)
        return cls(municipality_id=municipality_id, citizen_id=citizen_id, subject=subject.strip(),
                   category=category, priority=priority, reply_token=reply_token, created_at=now, updated_at=now)

    def status_for(self, citizen_view: bool) -> ConversationStatus:
        """Staff see `status`; the citizen sees unread while a staff reply waits for them (even once archived, so
        that the last answer is not missed), else archived or read."""
        if not citizen_view:
            return self.status
        if self.citizen_unread:
            return ConversationStatus.UNREAD
        return ConversationStatus.ARCHIVED if self.status is ConversationStatus.ARCHIVED else ConversationStatus.READ

    def unread_for(self, citizen_view: bool) -> int:
        return self.citizen_unread if citizen_view else self.staff_unread

    def citizen_wrote(self, message: Message) -> None:
        """A citizen's message: unread for the town hall again; an archived conversation is reopened."""
        self._added(message)
        self.staff_unread += 1
        self.status = ConversationStatus.UNREAD
        self.resolved_at = None

    def staff_replied(self, message: Message, author: str) -> None:
        """A staff reply: the staff have read what came before; the first one starts the first-response clock.
        Replying to an archived conversation reopens it (read)."""
        assert self.id is not None and message.id is not None, "the reply is stored before it is announced"
        self._added(message)
        self.citizen_unread += 1
        self.staff_unread = 0
        self.status = ConversationStatus.READ
        self.resolved_at = None
        if self.first_response_at is None:
            self.first_response_at = message.created_at
        self._record(StaffReplied(conversation_id=self.id, message_id=message.id, citizen_id=self.citizen_id,
                                  author=author))

    def mark_read_by_staff(self, now: datetime) -> None:
        self.staff_unread = 0
        self.status = ConversationStatus.READ
        self.resolved_at = None
        self.updated_at = now

    def archive(self, now: datetime) -> None:
        """Resolved: the resolution clock stops (archiving again keeps the first moment)."""
        self.staff_unread = 0
        if self.status is not ConversationStatus.ARCHIVED:
            self.resolved_at = now
        self.status = ConversationStatus.ARCHIVED
        self.updated_at = now

    def mark_read_by_citizen(self, now: datetime) -> None:
        self.citizen_unread = 0
        self.updated_at = now

    def _added(self, message: Message) -> None:
        self.message_count += 1
        self.last_message_id = message.id
        self.updated_at = message.created_at

    @property
    def first_response_seconds(self) -> int | None:
        return seconds_between(self.created_at, self.first_response_at)

    @property
    def resolution_seconds(self) -> int | None:
        return seconds_between(self.created_at, self.resolved_at)


@dataclass(kw_only=True)
class Attachment:
    name: str  # the file name the sender gave, shown to people only
    path: str  # public path the storage returned
    size: int
    content_type: str
    message_id: int | None = None
    id: int | None = None


@dataclass(kw_only=True)
class Message:
    conversation_id: int
    sender_id: int | None  # None: the sender's account was removed
    sender_type: str  # "citizen", or the staff author's role
    content: str
    created_at: datetime
    read_at: datetime | None = None  # when the other side read it
    external_id: str | None = None  # the mail provider's id of an emailed reply (each is taken once)
    id: int | None = None

    @property
    def from_citizen(self) -> bool:
        return self.sender_type == CITIZEN
