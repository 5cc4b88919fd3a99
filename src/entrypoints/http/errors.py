"""From any exception to what a face must say: status, code, message, field details.
Each face renders this in its own envelope."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from litestar.exceptions import HTTPException, ValidationException
from sqlalchemy.exc import DBAPIError

from domain.identity.errors import AccountLocked
from domain.shared.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    StateConflict,
    TooLarge,
    TooManyRequests,
    Unauthenticated,
    Unavailable,
)

log = logging.getLogger("agora.http")

CODES = {
    400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT", 413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE", 422: "VALIDATION_ERROR",
    429: "RATE_LIMITED", 500: "INTERNAL_ERROR", 503: "SERVICE_UNAVAILABLE",
}
MESSAGES = {
    400: "Requête invalide", 401: "Authentification requise", 403: "Accès refusé", 404: "Ressource non trouvée",
    405: "Méthode non autorisée", 409: "Conflit", 413: "Requête trop volumineuse",
    415: "Type de contenu non pris en charge",
    422: "Les données fournies sont invalides", 429: "Trop de requêtes", 500: "Erreur serveur",
    503: "Service indisponible",
}
INVALID = "Les données fournies sont invalides"
INVALID_JSON = "Corps de requête JSON invalide"
INVALID_FORM = "Formulaire invalide"


@dataclass
class ErrorInfo:
    status: int
    code: str
    message: str
    details: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FaceErrorPolicy:
    """How one face chooses statuses where the specs differ."""

    conflict_status: int = 409
    validation_status: int = 400


def describe(exc: Exception, policy: FaceErrorPolicy) -> ErrorInfo:
    if isinstance(exc, DomainError):
        return _domain(exc, policy)
    if isinstance(exc, ValidationException):
        if _names_no_resource(exc.extra):
            return ErrorInfo(404, "NOT_FOUND", MESSAGES[404])
        return ErrorInfo(policy.validation_status, "VALIDATION_ERROR", INVALID, _validation_details(exc.extra))
    if _is_unstorable_text(exc):
        return ErrorInfo(400, "BAD_REQUEST", UNSTORABLE_TEXT_MESSAGE)
    if isinstance(exc, HTTPException):  # only Litestar raises these, and its details are English
        status = exc.status_code
        return ErrorInfo(status, CODES.get(status, "ERROR"), MESSAGES.get(status, "Erreur"),
                         headers=dict(exc.headers or {}))
    log.exception("unhandled error", exc_info=exc)
    return ErrorInfo(500, "INTERNAL_ERROR", MESSAGES[500])


# PostgreSQL refuses NUL and invalid characters in text (SQLSTATE class 22: 22021, 22P05); text with lone
# surrogates cannot even be encoded. Both come from what a client sent, so they are its error, not ours.
UNSTORABLE_TEXT = {"22021", "22P05"}
UNSTORABLE_TEXT_MESSAGE = "Caractères non autorisés dans la requête"


def _is_unstorable_text(exc: BaseException | None) -> bool:
    """Looks through the causes too: advanced-alchemy's repositories re-raise the driver's error as their own."""
    while exc is not None:
        if isinstance(exc, UnicodeEncodeError):
            return True
        if isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in UNSTORABLE_TEXT:
            return True
        exc = exc.__cause__
    return False


def _names_no_resource(extra: Any) -> bool:
    """A path value out of its bounds (an id no row can have): the path names nothing, whatever the body."""
    return isinstance(extra, list) and any(isinstance(item, dict) and item.get("source") == "path" for item in extra)


# The status of each kind of domain error; the first kind an error is an instance of decides.
DOMAIN_STATUSES: tuple[tuple[type[DomainError], int], ...] = (
    (TooManyRequests, 429), (TooLarge, 413), (Unavailable, 503), (Unauthenticated, 401), (Forbidden, 403),
    (NotFound, 404), (StateConflict, 409))


def domain_status(kind: type[DomainError], policy: FaceErrorPolicy, *, field_errors: bool = False) -> int:
    for base, status in DOMAIN_STATUSES:
        if issubclass(kind, base):
            return status
    if issubclass(kind, Conflict):
        return policy.conflict_status
    if issubclass(kind, InvalidInput) and field_errors:
        return policy.validation_status
    return 400


def statuses_of(kind: type[DomainError], policy: FaceErrorPolicy) -> set[int]:
    """Every status an error of this kind may get on a face (invalid input: with or without field details)."""
    return {domain_status(kind, policy), domain_status(kind, policy, field_errors=True)}


def _domain(exc: DomainError, policy: FaceErrorPolicy) -> ErrorInfo:
    status = domain_status(type(exc), policy, field_errors=bool(exc.details))
    if isinstance(exc, AccountLocked):
        return ErrorInfo(status, "ACCOUNT_LOCKED", exc.message, exc.details,
                         {"locked": True, "remaining_minutes": exc.remaining_minutes})
    if isinstance(exc, TooManyRequests):
        return ErrorInfo(status, "RATE_LIMITED", exc.message, headers={"Retry-After": str(exc.retry_after)},
                         extra={"retry_after": exc.retry_after})
    if isinstance(exc, Unavailable):
        return ErrorInfo(status, "SERVICE_UNAVAILABLE", exc.message, exc.details, headers={"Retry-After": "30"})
    if isinstance(exc, Conflict):
        return ErrorInfo(status, "CONFLICT", exc.message, exc.details)
    if isinstance(exc, InvalidInput) and exc.details:
        return ErrorInfo(status, "VALIDATION_ERROR", exc.message, exc.details)
    return ErrorInfo(status, CODES[status], exc.message, exc.details)


MISSING_BODY = "Corps de requête JSON requis"
FIELD_IN_MESSAGE = re.compile(r"`\$\.([\w.\[\]]+)`|field `(\w+)`")


def field_details(message: str) -> dict[str, list[str]]:
    """Field errors from one msgspec validation message (it names the first bad field)."""
    return _validation_details([{"message": message}])


def _validation_details(extra: Any) -> dict[str, list[str]]:
    details: dict[str, list[str]] = {}
    for item in extra if isinstance(extra, list) else []:
        if not isinstance(item, dict):
            continue
        raw = str(item.get("message", ""))
        key = item.get("key")
        match = FIELD_IN_MESSAGE.search(raw)
        name = str(key) if key else (next(g for g in match.groups() if g) if match else "non_field_errors")
        if name in {"body", "data"} and match:
            name = next(g for g in match.groups() if g)
        elif name == "data" and item.get("source") == "body" and raw == "'data'":
            details.setdefault("non_field_errors", []).append(MISSING_BODY)  # Litestar's "the body is missing"
            continue
        elif name in {"body", "data"}:  # the body as a whole (not an object): the client knows no "data"
            name = "non_field_errors"
        details.setdefault(name, []).append(_translate(raw))
    return details


EXPECTED_KIND = {
    "str": "Une chaîne de caractères est attendue", "int": "Un entier est attendu", "float": "Un nombre est attendu",
    "bool": "Un booléen est attendu", "date": "Une date AAAA-MM-JJ est attendue",
    "datetime": "Une date et heure ISO 8601 est attendue", "uuid": "Un UUID est attendu",
    "object": "Un objet JSON est attendu", "array": "Une liste est attendue",
}
BOUND = re.compile(r"Expected `(\w+)[^`]*` (of length )?([<>]=?) (\S+)")
SIGN = {"<=": "≤", ">=": "≥", "<": "<", ">": ">"}


def _translate(message: str) -> str:
    """msgspec's and Litestar's English, in French; what is not recognised is only "invalid"."""
    if message.startswith(("Object missing required field", "Missing required")):
        return "Ce champ est requis"
    if message.startswith("Object contains unknown field"):
        return "Champ inconnu"
    if bound := BOUND.match(message):
        kind, of_length, sign, limit = bound.groups()
        if of_length:
            unit = "caractères" if kind == "str" else "éléments"
            return f"{'Au plus' if '<' in sign else 'Au moins'} {limit} {unit}"
        return f"Une valeur {SIGN[sign]} {limit} est attendue"
    if message.startswith("Expected `"):
        return EXPECTED_KIND.get(message.split("`")[1].removesuffix(" | null"), "Valeur invalide")
    if "out of range" in message:
        return "Nombre hors limites"
    return "Valeur invalide"
