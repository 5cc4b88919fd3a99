"""The list of contexts is the only place a context is registered: what it declares reaches every part."""

from __future__ import annotations

import dataclasses
import inspect
import tomllib
import typing
from pathlib import Path

from sqlalchemy import Table

from adapters.sql.shared import tables as platform_tables
from entrypoints.contexts import CONTEXTS
from entrypoints.contexts.assembly import crons, jobs, routes, schema, webhooks
from entrypoints.http.app import openapi_document
from entrypoints.worker.tasks import cron_tasks, job_tasks

ROOT = Path(__file__).resolve().parents[2]
LAYERS_WITH_CONTEXTS = ("domain", "application")


def context_folders(layer: str) -> set[str]:
    return {p.name for p in (ROOT / "src" / layer).iterdir()
            if p.is_dir() and p.name not in {"shared", "__pycache__"}}


def independence_contract(layer: str) -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for contract in config["tool"]["importlinter"]["contracts"]:
        modules = contract.get("modules", [])
        if contract["type"] == "independence" and modules and modules[0].startswith(layer + "."):
            return {m.removeprefix(layer + ".") for m in modules}
    return set()


def test_every_context_folder_is_declared_independent_of_the_others() -> None:
    for layer in LAYERS_WITH_CONTEXTS:
        assert context_folders(layer) == independence_contract(layer), f"{layer}: update the import-linter contract"


def test_context_names_are_unique_and_platform_comes_first() -> None:
    names = [context.name for context in CONTEXTS]
    assert len(names) == len(set(names))
    assert names[0] == "platform"


def test_every_declared_job_and_cron_becomes_a_worker_task_named_after_it() -> None:
    declared = set(jobs()) | {cron.name for cron in crons()}
    tasks = {task.__qualname__ for task in job_tasks(jobs()) + cron_tasks(crons())}
    assert tasks == declared
    assert {"notify_send_email", "payments_payment_settled", "payments_reconcile"} <= tasks


def test_every_context_table_is_in_the_schema_and_named_after_its_context() -> None:
    tables = set(schema().tables)
    assert {"identity_users", "payments_payments", "outbox_messages"} <= tables
    platform = {table.name for table in vars(platform_tables).values() if isinstance(table, Table)}
    assert {"outbox_messages", "completed_jobs", "throttle_windows"} <= platform
    prefixes = tuple(f"{context.name}_" for context in CONTEXTS)
    assert all(name.startswith(prefixes) for name in tables - platform), sorted(tables - platform)


def test_each_face_mounts_the_controllers_its_contexts_declare() -> None:
    for face in ("spotvibe", "mairie", "eebc"):
        paths = openapi_document(face, "/")["paths"]
        declared = {handler.path for handler in routes(face)}  # type: ignore[union-attr]
        assert declared and all(any(path.startswith(prefix) for path in paths) for prefix in declared)
    assert {handler.__name__ for handler in webhooks()} == {"StripeWebhook", "PaymentReturnPages", "InboundMailWebhook"}  # type: ignore[union-attr]


def _entry_use_cases() -> set[type]:
    """The use cases the faces and the worker call: what controllers resolve from the container, jobs, crons."""
    found: set[type] = set(jobs().values()) | {cron.use_case for cron in crons()}
    handlers = [h for face in ("spotvibe", "mairie", "eebc") for h in routes(face)] + webhooks()
    for handler in handlers:
        for _, member in inspect.getmembers(handler):
            function = getattr(member, "fn", None)
            if function is None:
                continue
            for hint in typing.get_type_hints(function, include_extras=True).values():
                found |= {arg for arg in typing.get_args(hint) if inspect.isclass(arg)
                          and arg.__module__.startswith("application.") and not dataclasses.is_dataclass(arg)
                          and not getattr(arg, "_is_protocol", False)}
    return found


def test_a_use_case_never_calls_another_use_case_only_shared_services() -> None:
    use_cases = _entry_use_cases()
    assert {"InitiatePayment", "LogIn", "DecideRefund", "ExecuteRefund"} <= {u.__name__ for u in use_cases}
    for use_case in use_cases:
        needs = set(typing.get_type_hints(use_case.__init__).values())
        assert not needs & use_cases, f"{use_case.__name__} calls {needs & use_cases}: share a service instead"
