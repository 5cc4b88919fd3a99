"""Kinds of domain error. Each face maps a kind to its HTTP status and envelope."""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A rule was broken. `details` maps a field name to its messages."""

    def __init__(self, message: str, *, details: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, list[str]] = dict(details or {})

    @classmethod
    def on_field(cls, field: str, message: str) -> DomainError:
        return cls(message, details={field: [message]})


class InvalidInput(DomainError):
    """The request is well-formed but its values break a rule (400)."""


class NotFound(DomainError):
    """The thing asked for does not exist, or is not visible to the caller (404)."""


class Conflict(DomainError):
    """The change clashes with existing state: a duplicate, a used token (409)."""


class StateConflict(Conflict):
    """The thing is in a state that forbids the change (tickets already sold, a ticket already used): 409 on
    every face, where a plain Conflict (a duplicate) gets the face's own conflict status."""


class Unauthenticated(DomainError):
    """No valid identity: missing, expired or revoked credentials (401)."""


class Forbidden(DomainError):
    """The caller is known but may not do this (403)."""


class TooLarge(DomainError):
    """What was sent is over a size limit (413)."""


class Unavailable(DomainError):
    """An outside service the use case needs is down or too slow; the client may retry later (503)."""


class TooManyRequests(DomainError):
    """A rate limit was hit (429)."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class FieldErrors:
    """Collects every field problem, so the client sees them all at once."""

    def __init__(self) -> None:
        self.details: dict[str, list[str]] = {}

    def add(self, field: str, message: str | None) -> None:
        if message:
            self.details.setdefault(field, []).append(message)

    @staticmethod
    def single(field: str, message: str) -> InvalidInput:
        return InvalidInput(message, details={field: [message]})

    def raise_if_any(self) -> None:
        if self.details:
            raise InvalidInput("Les données fournies sont invalides", details=self.details)
