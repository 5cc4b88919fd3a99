"""The composition root: one container per process, from the contexts' providers; tests pass providers that
replace adapters (last wins). The memory container is the same wiring with every context's memory providers
over it: no database, no queue, nothing outside the process."""

from __future__ import annotations

from dishka import AsyncContainer, Provider, make_async_container

from application.shared.events import EventTranslation
from entrypoints.contexts.assembly import announcements, jobs, memory_providers, providers, purpose_owners, schema
from entrypoints.di.memory.platform import JobUseCases
from entrypoints.di.payments import PurposeOwnerTypes
from entrypoints.runtime import Runtime
from entrypoints.settings import Settings


def make_container(runtime: Runtime, *overrides: Provider, extra_context: dict[type, object] | None = None
                   ) -> AsyncContainer:
    schema()  # every context's entities mapped before the first session
    context: dict[type, object] = {Runtime: runtime, PurposeOwnerTypes: PurposeOwnerTypes(purpose_owners()),
                                   EventTranslation: announcements(),
                                   **(extra_context or {})}
    return make_async_container(*providers(), *overrides, context=context)


MEMORY = Runtime(settings=Settings(secret_key="memory-container-secret-key-0123456789"), database_url="memory://",
                 queue_url="memory://")


def memory_container(*overrides: Provider, runtime: Runtime = MEMORY) -> AsyncContainer:
    """Every context's providers, its memory providers over them, then `overrides` (last wins)."""
    context: dict[type, object] = {Runtime: runtime, PurposeOwnerTypes: PurposeOwnerTypes(purpose_owners()),
                                   EventTranslation: announcements(), JobUseCases: JobUseCases(jobs())}
    return make_async_container(*providers(), *memory_providers(), *overrides, context=context)
