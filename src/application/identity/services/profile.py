"""Reading and editing one's own profile; verifying one's email address."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from application.identity import messages
from application.identity.config import IdentityConfig
from application.identity.ports import PhoneNumbers, UserRepository
from application.identity.services.codes import OneTimeCodes
from application.identity.services.recipients import EmailRecipients
from application.shared.email import queue_email
from application.shared.media import store_image
from application.shared.ports import FileStorage, Outbox, Throttle, UnitOfWork, Upload
from application.shared.uploads import check_image
from domain.identity.errors import EmailTaken, InvalidCode
from domain.identity.model import CodePurpose, Realm, User
from domain.identity.policies import email_problem, normalize_email
from domain.shared.errors import FieldErrors, InvalidInput, NotFound


@dataclass(frozen=True)
class ProfileChanges:
    """Fields left as None are not touched."""

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    bio: str | None = None
    birth_date: date | None = None
    notifications_email: bool | None = None
    notifications_push: bool | None = None
    photo: Upload | None = None


class UpdateProfile:
    def __init__(self, users: UserRepository, phones: PhoneNumbers, storage: FileStorage, uow: UnitOfWork) -> None:
        self._users = users
        self._phones = phones
        self._storage = storage
        self._uow = uow

    async def __call__(self, user_id: int, changes: ProfileChanges) -> User:
        user = await self._users.get_for_update(user_id)
        if user is None:
            raise NotFound("Utilisateur introuvable")
        errors = FieldErrors()
        for name in ("first_name", "last_name"):
            value = getattr(changes, name)
            if value is not None and len(value.strip()) > 150:
                errors.add(name, "150 caractères au plus")
        if changes.bio is not None and len(changes.bio) > 2000:
            errors.add("bio", "2000 caractères au plus")
        email = None
        if changes.email is not None:
            email = normalize_email(changes.email)
            errors.add("email", email_problem(email))
        phone = None
        if changes.phone:
            try:
                phone = self._phones.normalize(changes.phone, user.realm)
            except InvalidInput as exc:
                errors.add("phone", exc.message)
        if changes.photo is not None:
            errors.add("photo", check_image(changes.photo))
        errors.raise_if_any()
        if email is not None and email != user.email:
            other = await self._users.by_email(user.realm, email)
            if other is not None and other.id != user.id:
                raise EmailTaken()
            user.email = email
            user.email_verified = False
        if changes.first_name is not None:
            user.first_name = changes.first_name.strip()
        if changes.last_name is not None:
            user.last_name = changes.last_name.strip()
        if changes.phone is not None:
            user.phone = phone
        if changes.bio is not None:
            user.bio = changes.bio
        if changes.birth_date is not None:
            user.birth_date = changes.birth_date
        if changes.notifications_email is not None:
            user.notifications_email = changes.notifications_email
        if changes.notifications_push is not None:
            user.notifications_push = changes.notifications_push
        if changes.photo is not None:
            old = user.photo
            user.photo = (await store_image(self._storage, "avatars", changes.photo, field="photo")).path
            if old:
                await self._storage.delete(old)
        await self._users.save(user)
        await self._uow.commit()
        return user


class SendEmailVerification:
    """Emails a 6-digit code. The answer never tells whether the address has an account."""

    def __init__(self, recipients: EmailRecipients, codes: OneTimeCodes, outbox: Outbox, uow: UnitOfWork,
                 config: IdentityConfig) -> None:
        self._recipients = recipients
        self._codes = codes
        self._outbox = outbox
        self._uow = uow
        self._config = config

    @property
    def expires_in(self) -> int:
        return int(self._config.email_verification.ttl.total_seconds())

    async def __call__(self, realm: Realm, email: str, ip_address: str | None) -> None:
        user = await self._recipients.find(realm, email, ip_address, purpose="verify")
        if user is None or user.id is None or user.email_verified:
            return
        policy = self._config.email_verification
        code = await self._codes.issue_digits(user.id, CodePurpose.EMAIL_VERIFICATION, policy)
        minutes = int(policy.ttl.total_seconds() // 60)
        queue_email(self._outbox, messages.one_time_code(realm, user.email, code, minutes, "de vérification d'email"),
                    key=f"verify:{user.id}:{uuid.uuid4().hex}")
        await self._uow.commit()


class ConfirmEmail:
    """A wrong code gets one answer whether the address is unknown, awaiting its code or already verified, so
    the answer tells nothing about accounts. The right code of an address verified meanwhile changes nothing."""

    def __init__(self, users: UserRepository, codes: OneTimeCodes, throttle: Throttle, uow: UnitOfWork) -> None:
        self._users = users
        self._codes = codes
        self._throttle = throttle
        self._uow = uow

    async def __call__(self, realm: Realm, email: str, code: str, ip_address: str | None) -> User:
        email = normalize_email(email)
        problem = email_problem(email)
        if problem:
            raise FieldErrors.single("email", problem)
        await self._throttle.hit(f"verify-confirm:{realm}:ip:{ip_address}", limit=30, window_seconds=600)
        wrong_code = InvalidCode.on_field("code", "Code invalide ou expiré")
        found = await self._users.by_email(realm, email)
        if found is None or found.id is None:
            raise wrong_code
        user = await self._users.get_for_update(found.id)
        assert user is not None and user.id is not None
        try:
            await self._codes.check_digits(user.id, CodePurpose.EMAIL_VERIFICATION, code)
        except InvalidCode:
            raise wrong_code from None
        if not user.email_verified:
            user.email_verified = True
            await self._users.save(user)
        await self._uow.commit()
        return user
