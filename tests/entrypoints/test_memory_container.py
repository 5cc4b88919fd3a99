"""The memory container is the service's own wiring with each context's memory providers over it: whatever a
context provides (use cases, ports, configuration) resolves there, and nothing of it reaches SQL or a queue."""

from __future__ import annotations

from typing import Any

from dishka import Provider, Scope

from adapters.sql.identity.repositories import SqlUserRepository
from application.identity.ports import UserRepository
from entrypoints.contexts.assembly import crons, jobs, providers, purpose_owners
from entrypoints.di.container import memory_container


def application_keys() -> list[Any]:
    """Every type the contexts' providers offer that belongs to the application or the domain."""
    keys = {factory.provides.type_hint for provider in providers() for factory in provider.factories}
    keys |= set(jobs().values()) | {cron.use_case for cron in crons()} | set(purpose_owners())
    return sorted((k for k in keys if getattr(k, "__module__", "").startswith(("application.", "domain."))), key=repr)


async def resolve_all(*overrides: Provider) -> tuple[dict[str, str], dict[str, str]]:
    """What each key resolves to (the implementation's module), and the keys that do not resolve (why)."""
    container = memory_container(*overrides)
    found, failed = {}, {}
    async with container() as request:
        for key in application_keys():
            try:
                found[key.__name__] = type(await request.get(key)).__module__
            except LookupError as error:
                failed[key.__name__] = str(error)
    await container.close()
    return found, failed


async def test_every_use_case_and_port_of_every_context_resolves_in_memory() -> None:
    found, failed = await resolve_all()

    assert failed == {}
    assert len(found) > 60 and {"RegisterUser", "InitiatePayment", "UserRepository", "Ledger"} <= set(found)
    assert {key: module for key, module in found.items() if module.startswith("adapters.sql")} == {}


async def test_a_port_left_on_sql_is_named_with_what_needs_it() -> None:
    still_sql = Provider(scope=Scope.REQUEST)
    still_sql.provide(SqlUserRepository, provides=UserRepository)

    _, failed = await resolve_all(still_sql)

    assert {"UserRepository", "RegisterUser", "UpdateProfile"} <= set(failed)
    assert "no database" in failed["UserRepository"]
