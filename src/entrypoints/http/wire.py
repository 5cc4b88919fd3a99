"""Between the core's names and a face's: use cases name fields as their commands do, faces rename them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from domain.shared.errors import DomainError


@contextmanager
def wire_names(names: Mapping[str, str]) -> Iterator[None]:
    """Inside, a domain error's field details are renamed from the command's field names to the wire's."""
    try:
        yield
    except DomainError as error:
        error.details = {names.get(field, field): messages for field, messages in error.details.items()}
        raise
