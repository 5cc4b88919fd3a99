"""Creating an account from the command line (the only way into EEBC): RegisterUser, administratively."""

from __future__ import annotations

from application.identity.services import RegisterCommand, RegisterUser
from domain.shared.errors import DomainError
from entrypoints.di.container import make_container
from entrypoints.runtime import Runtime


async def create_user(runtime: Runtime, command: RegisterCommand) -> int:
    """Registers the account (its welcome email goes to the outbox, for the worker); returns its id."""
    container = make_container(runtime)
    try:
        async with container() as request:
            register = await request.get(RegisterUser)
            user = await register(command, administrative=True)
    finally:
        await container.close()
    assert user.id is not None
    return user.id


def describe_error(error: DomainError) -> str:
    """One line: the message, then each field's problems."""
    problems = [f"{field}: {message}" for field, messages in error.details.items() for message in messages]
    if not problems:
        return f"error: {error.message}"
    if len(problems) == 1 and problems[0].endswith(f": {error.message}"):
        return f"error: {problems[0]}"
    return f"error: {error.message}: {'; '.join(problems)}"
