"""The composition root: one container per process; tests pass providers that replace adapters."""

from __future__ import annotations

from dishka import AsyncContainer, Provider, make_async_container

from entrypoints.di.auth import IdentityProvider
from entrypoints.di.db import DatabaseProvider
from entrypoints.di.notify import NotifyProvider
from entrypoints.di.payments import PaymentsProvider
from entrypoints.di.queue import QueueProvider
from entrypoints.di.usecases import UseCaseProvider
from entrypoints.runtime import Runtime


def default_providers() -> list[Provider]:
    return [DatabaseProvider(), IdentityProvider(), NotifyProvider(), PaymentsProvider(), QueueProvider(),
            UseCaseProvider()]


def make_container(runtime: Runtime, *overrides: Provider, extra_context: dict[type, object] | None = None
                   ) -> AsyncContainer:
    context: dict[type, object] = {Runtime: runtime, **(extra_context or {})}
    return make_async_container(*default_providers(), *overrides, context=context)
