"""What a bounded context brings to the process, declared in one place per context.

A context is assembled from this declaration alone: its dishka providers join the container (its memory
providers replace its persistence and outside services in the memory container), its tables join Alembic's
metadata and its entities are mapped, the events its aggregates record are announced through the outbox, its
job use cases become worker tasks named after their outbox topic, its crons are scheduled, its controllers are
mounted on the faces it serves, and its purpose owners (what it sells) are offered to payments.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dishka import AsyncContainer, Provider
from litestar.types import ControllerRouterHandler
from sqlalchemy.orm import registry

from application.shared.ports import OutboxMessage

Face = str  # "spotvibe", "mairie", "eebc"


@dataclass(frozen=True)
class Cron:
    """A use case the worker runs on a schedule (`schedule` in cron syntax); `name` is its task's name."""

    name: str
    use_case: type[Any]
    schedule: str


@dataclass(frozen=True)
class BoundedContext:
    name: str
    providers: Sequence[Callable[[], Provider]] = ()
    # Override, in entrypoints.di.container.memory_container, what `providers` wires to SQL or the outside.
    memory_providers: Sequence[Callable[[], Provider]] = ()
    map_entities: Callable[[registry], None] | None = None
    # Domain event type -> the outbox message that announces it (see application/shared/events.py).
    announcements: Mapping[type, Callable[[Any], OutboxMessage]] = field(default_factory=dict)
    # Another context's domain event -> the outbox message for one of this context's jobs (None: nothing to do).
    # Several contexts may react to one event; written here, in the wiring, so contexts never import each other.
    reactions: Mapping[type, Callable[[Any], OutboxMessage | None]] = field(default_factory=dict)
    # Outbox topic -> the job use case (called with the message's payload). The topic names the task.
    jobs: Mapping[str, type[Any]] = field(default_factory=dict)
    crons: Sequence[Cron] = ()
    routes: Mapping[Face, Sequence[ControllerRouterHandler]] = field(default_factory=dict)
    # Mounted under /webhooks, shared by every face (provider callbacks that serve several faces).
    webhooks: Sequence[ControllerRouterHandler] = ()
    # Classes implementing application.payments.purposes.PurposeOwner, each resolved from the container.
    purpose_owners: Sequence[type[Any]] = ()
    # `agora seed --demo`: fills the context with demo data through its use cases; idempotent; returns what it
    # added (name -> count). Contexts run in the order of CONTEXTS, so a later one may build on an earlier one's.
    demo_seed: Callable[[AsyncContainer], Awaitable[dict[str, int]]] | None = None
