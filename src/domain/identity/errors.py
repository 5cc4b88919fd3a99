from __future__ import annotations

from domain.shared.errors import Conflict, DomainError, Forbidden, InvalidInput, Unauthenticated


class InvalidCredentials(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("Identifiants invalides")


class AccountLocked(Unauthenticated):
    def __init__(self, remaining_minutes: int) -> None:
        super().__init__(f"Compte verrouillé. Réessayez dans {remaining_minutes} minutes.")
        self.remaining_minutes = remaining_minutes


class AccountDisabled(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("Ce compte est désactivé")


class InvalidToken(Unauthenticated):
    def __init__(self, message: str = "Token invalide ou expiré") -> None:
        super().__init__(message)


class InvalidCode(InvalidInput):
    """A one-time code, reset token or second-factor code that does not match, has expired or was used."""


class TooManyAttempts(InvalidCode):
    pass


class EmailTaken(Conflict):
    def __init__(self) -> None:
        super().__init__("Cet email est déjà utilisé", details={"email": ["Cet email est déjà utilisé"]})


class UsernameTaken(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "Ce nom d'utilisateur est déjà pris",
            details={"username": ["Ce nom d'utilisateur est déjà pris"]},
        )


class RoleNotAllowed(Forbidden):
    pass


class LastLoginMethod(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "Impossible de déconnecter le dernier moyen de connexion : définissez d'abord un mot de passe."
        )


__all__ = [
    "AccountDisabled",
    "AccountLocked",
    "DomainError",
    "EmailTaken",
    "InvalidCode",
    "InvalidCredentials",
    "InvalidToken",
    "LastLoginMethod",
    "RoleNotAllowed",
    "TooManyAttempts",
    "UsernameTaken",
]
