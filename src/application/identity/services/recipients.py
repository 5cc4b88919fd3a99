"""Finding the account an emailed code or link goes to, without telling the caller whether it exists."""

from __future__ import annotations

from application.identity.config import IdentityConfig
from application.identity.ports import UserRepository
from application.shared.ports import Throttle
from domain.identity.model import Realm, User
from domain.identity.policies import email_problem, normalize_email
from domain.shared.errors import FieldErrors


class EmailRecipients:
    def __init__(self, users: UserRepository, throttle: Throttle, config: IdentityConfig) -> None:
        self._users = users
        self._throttle = throttle
        self._config = config

    async def find(self, realm: Realm, email: str, ip_address: str | None, *, purpose: str) -> User | None:
        """Checks the address, counts the request per IP and per address (429 past the limits), and
        returns the active account with that email, if any."""
        email = normalize_email(email)
        problem = email_problem(email)
        if problem:
            raise FieldErrors.single("email", problem)
        await self._throttle.hit(f"{purpose}:{realm}:ip:{ip_address}", limit=20, window_seconds=3600)
        await self._throttle.hit(f"{purpose}:{realm}:email:{email}", limit=self._config.email_limit_per_hour,
                                 window_seconds=3600)
        user = await self._users.by_email(realm, email)
        return user if user is not None and user.id is not None and user.is_active else None
