"""Creating accounts: self sign-up (SpotVibe, Mairie) and administrator creation (CLI, all realms)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from application.identity import messages
from application.identity.config import IdentityConfig
from application.identity.ports import (
    MunicipalityRepository,
    PasswordHasher,
    PhoneNumbers,
    SiteCatalogue,
    UserRepository,
)
from application.shared.email import queue_email
from application.shared.ports import Clock, Outbox, UnitOfWork
from domain.identity.errors import EmailTaken, RoleNotAllowed, UsernameTaken
from domain.identity.model import Municipality, Realm, User
from domain.identity.permissions import ADD_TOWN_STAFF
from domain.identity.policies import (
    DEFAULT_ROLE,
    EEBC_SITES,
    MAIRIE_STAFF_ROLES,
    ROLES_BY_REALM,
    email_problem,
    normalize_email,
    username_problem,
)
from domain.shared.actor import Actor
from domain.shared.errors import FieldErrors, InvalidInput

MUNICIPALITY_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


@dataclass(frozen=True)
class RegisterCommand:
    realm: Realm
    email: str
    password: str
    password_confirm: str | None = None
    username: str | None = None
    first_name: str = ""
    last_name: str = ""
    phone: str | None = None
    role: str | None = None
    municipality_code: str | None = None
    municipality_name: str | None = None
    site_code: str | None = None
    actor: Actor | None = None  # who is signing someone up, when signed in
    must_change_password: bool = False
    email_verified: bool = False


class RegisterUser:
    """Self sign-up. On the Mairie face the role decides who may do it: anyone may join a town as a
    citizen, anyone may found a new town as its first mayor, only that town's mayor or admin may
    add staff (mayor, admin, moderator) to it."""

    def __init__(self, users: UserRepository, municipalities: MunicipalityRepository, hasher: PasswordHasher,
                 phones: PhoneNumbers, outbox: Outbox, uow: UnitOfWork, clock: Clock,
                 config: IdentityConfig, sites: SiteCatalogue) -> None:
        self._sites = sites
        self._users = users
        self._municipalities = municipalities
        self._hasher = hasher
        self._phones = phones
        self._outbox = outbox
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self, cmd: RegisterCommand, *, administrative: bool = False) -> User:
        errors = FieldErrors()
        email = normalize_email(cmd.email)
        errors.add("email", email_problem(email))
        username = (cmd.username or "").strip() if cmd.realm is not Realm.MAIRIE else email
        if cmd.realm is not Realm.MAIRIE:
            errors.add("username", username_problem(username))
        for problem in self._config.passwords.problems(cmd.password, personal=(email, username, cmd.first_name)):
            errors.add("password", problem)
        if cmd.password_confirm is not None and cmd.password_confirm != cmd.password:
            errors.add("password_confirm", "Les mots de passe ne correspondent pas")
        phone = None
        if cmd.phone:
            try:
                phone = self._phones.normalize(cmd.phone, cmd.realm)
            except InvalidInput as exc:
                errors.add("phone", exc.message)
        role = cmd.role or DEFAULT_ROLE[cmd.realm]
        if role not in ROLES_BY_REALM[cmd.realm]:
            errors.add("role", f"Rôle inconnu : {role}")
        if cmd.realm is Realm.EEBC:
            if not cmd.site_code or not await self._sites.known_site(cmd.site_code):
                errors.add("site", f"Site inconnu : {cmd.site_code} (ex. : {', '.join(sorted(EEBC_SITES))})")
        code = (cmd.municipality_code or "").strip().upper()
        if cmd.realm is Realm.MAIRIE and not MUNICIPALITY_CODE.match(code):
            errors.add("municipality_code", "Code INSEE de la commune attendu (5 caractères, ex. 75001)")
        errors.raise_if_any()

        if await self._users.by_email(cmd.realm, email) is not None:
            raise EmailTaken()
        if await self._users.by_username(cmd.realm, username) is not None:
            raise UsernameTaken()

        now = self._clock.now()
        municipality_id = None
        if cmd.realm is Realm.MAIRIE:
            municipality = await self._municipality_for(code, role, cmd, administrative=administrative)
            municipality_id = municipality.id

        user = User(
            realm=cmd.realm, username=username, email=email, password_hash=await self._hasher.hash(cmd.password),
            created_at=now, first_name=cmd.first_name.strip(), last_name=cmd.last_name.strip(), phone=phone,
            roles=[role], municipality_id=municipality_id, site_code=cmd.site_code,
            must_change_password=cmd.must_change_password, email_verified=cmd.email_verified,
        )
        user = await self._users.add(user)
        user.registered()
        await self._users.save(user)  # hands the event to the unit of work (a memory store takes it on save)
        queue_email(self._outbox, messages.welcome(user), key=f"welcome:{user.realm}:{user.id}")
        await self._uow.commit()
        return user

    async def _municipality_for(self, code: str, role: str, cmd: RegisterCommand, *,
                                administrative: bool) -> Municipality:
        existing = await self._municipalities.by_code(code)
        if existing is None:
            if role != "mayor" and not administrative:
                raise InvalidInput.on_field(
                    "municipality_code", "Commune inconnue : seul son maire peut l'inscrire"
                )
            name = (cmd.municipality_name or "").strip() or f"Mairie {code}"
            return await self._municipalities.add(
                Municipality(code=code, name=name, created_at=self._clock.now())
            )
        if role in MAIRIE_STAFF_ROLES and not administrative:
            actor = cmd.actor
            if actor is None or not ADD_TOWN_STAFF.allows(actor) or not actor.in_municipality(existing.id):
                raise RoleNotAllowed(
                    ADD_TOWN_STAFF.refusal, details={"role": ["Rôle réservé : demandez au maire de votre commune"]})
        return existing
