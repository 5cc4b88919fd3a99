"""Creating an account from the command line (the only way into EEBC): RegisterUser, administratively."""

from __future__ import annotations

from dataclasses import dataclass

from application.identity.services import RegisterCommand, RegisterUser
from domain.identity.model import Realm
from domain.shared.errors import DomainError
from entrypoints.di.container import make_container
from entrypoints.runtime import Runtime


@dataclass(frozen=True)
class UserSpec:
    realm: str
    email: str
    password: str
    role: str
    username: str | None = None
    site: str | None = None
    municipality: str | None = None
    municipality_name: str | None = None
    first_name: str = ""
    last_name: str = ""
    phone: str | None = None
    must_change_password: bool = False


def command_for(spec: UserSpec) -> RegisterCommand:
    return RegisterCommand(
        realm=Realm(spec.realm), email=spec.email, password=spec.password, username=spec.username,
        first_name=spec.first_name, last_name=spec.last_name, phone=spec.phone, role=spec.role,
        municipality_code=spec.municipality, municipality_name=spec.municipality_name, site_code=spec.site,
        must_change_password=spec.must_change_password,
    )


async def create_user(runtime: Runtime, spec: UserSpec) -> int:
    """Registers the account (its welcome email goes to the outbox, for the worker); returns its id."""
    container = make_container(runtime)
    try:
        async with container() as request:
            register = await request.get(RegisterUser)
            user = await register(command_for(spec), administrative=True)
    finally:
        await container.close()
    assert user.id is not None
    return user.id


def describe_error(error: DomainError) -> str:
    lines = [f"error: {error.message}"]
    lines += [f"  {field}: {message}" for field, messages in error.details.items() for message in messages]
    return "\n".join(lines)
