"""Reading the list of contexts: what each part of the process takes from it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dishka import Provider
from litestar.types import ControllerRouterHandler
from sqlalchemy import MetaData

from adapters.sql.schema import mapper_registry, metadata
from adapters.sql.shared import tables as platform_tables  # noqa: F401 (puts the platform's tables on metadata)
from application.shared.events import EventTranslation
from entrypoints.contexts import CONTEXTS
from entrypoints.contexts.base import BoundedContext, Cron, Face

_mapped: set[str] = set()


def providers(contexts: Iterable[BoundedContext] = CONTEXTS) -> list[Provider]:
    return [make() for context in contexts for make in context.providers]


def memory_providers(contexts: Iterable[BoundedContext] = CONTEXTS) -> list[Provider]:
    return [make() for context in contexts for make in context.memory_providers]


def schema(contexts: Iterable[BoundedContext] = CONTEXTS) -> MetaData:
    """Every context's tables on the shared metadata, its entities mapped (once per process)."""
    for context in contexts:
        if context.map_entities is not None and context.name not in _mapped:
            context.map_entities(mapper_registry)
            _mapped.add(context.name)
    return metadata


def jobs(contexts: Iterable[BoundedContext] = CONTEXTS) -> dict[str, type[Any]]:
    found: dict[str, type[Any]] = {}
    for context in contexts:
        for topic, use_case in context.jobs.items():
            if topic in found:
                raise ValueError(f"job topic {topic!r} declared twice")
            found[topic] = use_case
    return found


def announcements(contexts: Iterable[BoundedContext] = CONTEXTS) -> EventTranslation:
    translators: dict[type, Any] = {}
    for context in contexts:
        for event, translate in context.announcements.items():
            if event in translators:
                raise ValueError(f"{event.__name__} announced twice")
            translators[event] = translate
    reactions: dict[type, list[Any]] = {}
    for context in contexts:
        for event, react in context.reactions.items():
            reactions.setdefault(event, []).append(react)
    return EventTranslation(translators, reactions)


def crons(contexts: Iterable[BoundedContext] = CONTEXTS) -> list[Cron]:
    return [cron for context in contexts for cron in context.crons]


def routes(face: Face, contexts: Iterable[BoundedContext] = CONTEXTS) -> list[ControllerRouterHandler]:
    return [handler for context in contexts for handler in context.routes.get(face, ())]


def webhooks(contexts: Iterable[BoundedContext] = CONTEXTS) -> list[ControllerRouterHandler]:
    return [handler for context in contexts for handler in context.webhooks]


def purpose_owners(contexts: Iterable[BoundedContext] = CONTEXTS) -> tuple[type[Any], ...]:
    return tuple(owner for context in contexts for owner in context.purpose_owners)
