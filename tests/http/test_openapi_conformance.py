"""Each face's OpenAPI document tells the truth: schemathesis generates requests from it (valid ones and invalid
ones), sends them to the ASGI app, anonymous and signed in, and checks every answer against the document: no 5xx,
a documented status, a documented content type, a body that matches the documented schema.

Skipped when AGORA_SKIP_CONFORMANCE=1 (it takes about a minute); CI runs it.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.python import asgi
from schemathesis.schemas import APIOperation, BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from adapters.memory.store import InlineJobQueue
from adapters.notify.email_console import ConsoleEmailSender
from adapters.notify.sms_console import ConsoleSmsSender
from application.identity.services import RegisterCommand, RegisterUser
from application.shared.email import SEND_EMAIL, SEND_SMS, SendEmail, SendSms
from domain.identity.model import Realm
from entrypoints.di.container import make_container
from entrypoints.http.app import PrefixDispatcher, create_app
from entrypoints.runtime import Runtime
from tests.http.conftest import make_overrides
from tests.http.conftest import test_settings as settings_for

pytestmark = pytest.mark.skipif(os.environ.get("AGORA_SKIP_CONFORMANCE") == "1",
                                reason="AGORA_SKIP_CONFORMANCE=1: the OpenAPI conformance run is skipped")

PREFIXES = {"spotvibe": "", "mairie": "/mairie", "eebc": "/eebc"}
CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance)
EXAMPLES = int(os.environ.get("AGORA_CONFORMANCE_EXAMPLES", "15"))  # per operation, generation mode and caller
PASSWORD = "Conformance-2024!"
ACCOUNTS = (
    RegisterCommand(realm=Realm.SPOTVIBE, email="sam@example.com", password=PASSWORD, username="sam"),
    RegisterCommand(realm=Realm.SPOTVIBE, email="admin@example.com", password=PASSWORD, username="admin",
                    role="admin"),
    RegisterCommand(realm=Realm.MAIRIE, email="maire@example.com", password=PASSWORD, role="mayor",
                    municipality_code="75001", first_name="Marie", last_name="Curie"),
    RegisterCommand(realm=Realm.EEBC, email="jean@example.com", password=PASSWORD, username="jean.dupont",
                    site_code="CAB"),
)
# Who calls each face besides an anonymous caller: (login operation, its body, where the access token is).
Login = tuple[str, dict[str, str], tuple[str, ...]]
CALLERS: dict[str, list[Login]] = {
    "spotvibe": [("/api/users/login/", {"email": "sam@example.com", "password": PASSWORD}, ("access",)),
                 ("/api/users/login/", {"email": "admin@example.com", "password": PASSWORD}, ("access",))],
    "mairie": [("/mairie/api/v1/auth/login/", {"email": "maire@example.com", "password": PASSWORD},
                ("access_token",))],
    "eebc": [("/eebc/api/v1/auth/login/", {"username": "jean.dupont", "password": PASSWORD}, ("data", "access"))],
}


@dataclass(frozen=True)
class Finding:
    operation: str
    check: str
    answer: str


@pytest.fixture(scope="module")
async def app(tmp_path_factory: pytest.TempPathFactory, database_url: str, queue_url: str,
              empty_tables: Callable[[], Awaitable[None]]) -> AsyncIterator[PrefixDispatcher]:
    """The whole app; schemathesis runs it on its own event loop, where the app's container then lives."""
    settings = settings_for(tmp_path_factory.mktemp("conformance"), database_url,
                            login_limit_per_minute=100_000)  # a fresh login before each operation
    runtime = Runtime(settings=settings, database_url=database_url, queue_url=queue_url)
    await create_accounts(runtime)
    mailbox, sms = ConsoleEmailSender(), ConsoleSmsSender()
    jobs = InlineJobQueue({SEND_EMAIL: SendEmail(mailbox), SEND_SMS: SendSms(sms)})
    yield create_app(runtime, make_overrides(mailbox, sms, jobs))
    asgi.shutdown_lifespans()  # the app closes its container, on its loop
    await empty_tables()


async def create_accounts(runtime: Runtime) -> None:
    container = make_container(runtime)  # its own, closed before the app opens one
    for command in ACCOUNTS:
        async with container() as request:
            register = await request.get(RegisterUser)
            await register(command, administrative=True)
    await container.close()


def signed_in(schema: BaseSchema, login: Login) -> dict[str, str]:
    """A new session for each operation: some operations (logout) end the one they are called with."""
    path, body, token_at = login
    response = schema[path]["POST"].Case(body=body, media_type="application/json").call()
    assert response.status_code == 200, response.text
    token: Any = response.json()
    for key in token_at:
        token = token[key]
    return {"Authorization": f"Bearer {token}"}


def needs_token(operation: APIOperation) -> bool:
    """Without its own `security`, an operation has the document's: a bearer token."""
    return "security" not in operation.definition.raw


def streams(operation: APIOperation) -> bool:
    """A server-sent events stream never ends for a signed-in caller: only its refusals are checked here (its
    events: tests/http/test_notifications_stream.py)."""
    ok = operation.definition.raw.get("responses", {}).get("200", {})
    return "text/event-stream" in ok.get("content", {})


def fuzz(operation: APIOperation, mode: GenerationMode, headers: dict[str, str]) -> list[Finding]:
    """EXAMPLES requests at most; every failed check is noted and none stops the run."""
    found: list[Finding] = []

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Case) -> None:
        response = case.call(headers=headers)
        answer = f"{response.status_code} {response.text[:200]}"
        for check in CHECKS:
            try:
                case.validate_response(response, checks=[check], headers=headers)
            except (Failure, FailureGroup):
                found.append(Finding(operation.label, check.__name__, answer))
        # Valid input and no real token: the operation must refuse it (schemathesis makes one up).
        if mode is GenerationMode.POSITIVE and not headers and needs_token(operation) and response.status_code != 401:
            found.append(Finding(operation.label, "token_required", answer))

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid: no parameter, no body, no token
        assert mode is GenerationMode.NEGATIVE
    return found


def report(face: str, operations: int, findings: list[Finding]) -> str:
    lines = [f"{face}: {operations} operations, failing examples by check: {dict(Counter(f.check for f in findings))}"]
    for (label, check), count in sorted(Counter((f.operation, f.check) for f in findings).items()):
        answer = next(f.answer for f in findings if (f.operation, f.check) == (label, check))
        lines.append(f"  {label} {check} x{count}, e.g. {answer}")
    return "\n".join(lines)


@pytest.mark.parametrize("face", list(PREFIXES))
def test_every_answer_is_one_the_document_describes(app: PrefixDispatcher, face: str) -> None:
    schema = schemathesis.openapi.from_asgi(f"{PREFIXES[face]}/schema/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    findings: list[Finding] = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            findings += fuzz(operation, mode, {})
            for login in [] if streams(operation) else CALLERS[face]:
                findings += fuzz(operation, mode, signed_in(schema, login))
    assert not findings, report(face, len(operations), findings)
