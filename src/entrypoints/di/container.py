"""The composition root: one container per process, from the contexts' providers; tests pass providers that
replace adapters (last wins)."""

from __future__ import annotations

from dishka import AsyncContainer, Provider, make_async_container

from application.shared.events import EventTranslation
from entrypoints.contexts.assembly import announcements, providers, purpose_owners, schema
from entrypoints.di.payments import PurposeOwnerTypes
from entrypoints.runtime import Runtime


def make_container(runtime: Runtime, *overrides: Provider, extra_context: dict[type, object] | None = None
                   ) -> AsyncContainer:
    schema()  # every context's entities mapped before the first session
    context: dict[type, object] = {Runtime: runtime, PurposeOwnerTypes: PurposeOwnerTypes(purpose_owners()),
                                   EventTranslation: announcements(),
                                   **(extra_context or {})}
    return make_async_container(*providers(), *overrides, context=context)
