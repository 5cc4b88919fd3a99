"""Staff use cases: sites, members, families. One class per verb; each commits once."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from application.community.ports import FamilyRepository, MemberRepository, PhoneNumbers, SiteRepository
from application.shared.ports import Clock, UnitOfWork
from domain.community.model import (
    SITE_CODE,
    Family,
    Member,
    MemberProfile,
    MemberStatus,
    Relationship,
    Site,
    member_code,
    profile_problems,
)
from domain.community.permissions import MANAGE_MEMBERS_ANY_SITE, MANAGE_MEMBERS_OWN_SITE, MANAGE_SITES
from domain.shared.actor import Actor
from domain.shared.errors import InvalidInput, NotFound

INVALID = "Les données fournies sont invalides"
MEMBER_NOT_FOUND = "Membre introuvable"
SITE_NOT_FOUND = "Site introuvable"
FAMILY_NOT_FOUND = "Famille introuvable"


def may_manage_site(actor: Actor, site: Site) -> bool:
    """admin/pasteur everywhere; secretariat on its own site."""
    return MANAGE_MEMBERS_ANY_SITE.allows(actor) or (MANAGE_MEMBERS_OWN_SITE.allows(actor)
                                                      and actor.site is not None and actor.site == site.code)


async def managed_site(sites: SiteRepository, actor: Actor, site_id: int, *, field: str = "site") -> Site:
    """The site if the actor manages it: 403 without any staff right, 404 for another site (or none)."""
    MANAGE_MEMBERS_OWN_SITE.check(actor)
    site = await sites.get(site_id)
    if site is None or not may_manage_site(actor, site):
        raise NotFound(SITE_NOT_FOUND, details={field: [SITE_NOT_FOUND]})
    return site


def _phone(phones: PhoneNumbers, raw: str, name: str, errors: dict[str, list[str]]) -> str:
    if not raw.strip():
        return ""
    try:
        return phones.normalize(raw)
    except InvalidInput as error:
        errors.setdefault(name, []).append(error.message)
        return raw


def _phones(phones: PhoneNumbers, profile: MemberProfile, errors: dict[str, list[str]]) -> MemberProfile:
    return dataclasses.replace(profile, phone=_phone(phones, profile.phone, "phone", errors),
                               whatsapp_number=_phone(phones, profile.whatsapp_number, "whatsapp_number", errors))


def _clean(profile: MemberProfile) -> MemberProfile:
    return dataclasses.replace(profile, first_name=profile.first_name.strip(), last_name=profile.last_name.strip(),
                               email=profile.email.strip().lower())


# ------------------------------------------------------------------------------------------------ sites


@dataclass(frozen=True)
class SiteCommand:
    actor: Actor
    code: str
    name: str
    address: str = ""
    city: str = ""
    is_active: bool = True


def _site_problems(cmd: SiteCommand) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not SITE_CODE.match(cmd.code.strip().upper()):
        errors["code"] = ["2 à 10 lettres (ex. CAB)"]
    if not cmd.name.strip() or len(cmd.name) > 120:
        errors["name"] = ["Requis, 120 caractères au plus"]
    if len(cmd.address) > 255:
        errors["address"] = ["255 caractères au plus"]
    if len(cmd.city) > 120:
        errors["city"] = ["120 caractères au plus"]
    return errors


class CreateSite:
    def __init__(self, sites: SiteRepository, uow: UnitOfWork, clock: Clock) -> None:
        self._sites, self._uow, self._clock = sites, uow, clock

    async def __call__(self, cmd: SiteCommand) -> Site:
        MANAGE_SITES.check(cmd.actor)
        if errors := _site_problems(cmd):
            raise InvalidInput(INVALID, details=errors)
        site = await self._sites.add(Site(code=cmd.code.strip().upper(), name=cmd.name.strip(), address=cmd.address,
                                          city=cmd.city, is_active=cmd.is_active, created_at=self._clock.now()))
        await self._uow.commit()
        return site


class UpdateSite:
    """Changes a site's name, address, city or whether it is active; its code (in member ids) stays."""

    def __init__(self, sites: SiteRepository, uow: UnitOfWork) -> None:
        self._sites, self._uow = sites, uow

    async def __call__(self, site_id: int, cmd: SiteCommand) -> Site:
        MANAGE_SITES.check(cmd.actor)
        site = await self._sites.get(site_id)
        if site is None:
            raise NotFound(SITE_NOT_FOUND)
        errors = _site_problems(dataclasses.replace(cmd, code=site.code))
        if errors:
            raise InvalidInput(INVALID, details=errors)
        site.name, site.address, site.city, site.is_active = cmd.name.strip(), cmd.address, cmd.city, cmd.is_active
        await self._sites.save(site)
        await self._uow.commit()
        return site


# ------------------------------------------------------------------------------------------------ members


@dataclass(frozen=True)
class MemberCommand:
    actor: Actor
    site_id: int
    profile: MemberProfile  # phones as typed
    family_id: int | None = None
    relationship: str = ""


class MemberWriter:
    def __init__(self, members: MemberRepository, sites: SiteRepository, families: FamilyRepository,
                 phones: PhoneNumbers, uow: UnitOfWork, clock: Clock) -> None:
        self._members, self._sites, self._families = members, sites, families
        self._phones, self._uow, self._clock = phones, uow, clock

    async def _checked(self, cmd: MemberCommand) -> tuple[Site, MemberProfile]:
        site = await managed_site(self._sites, cmd.actor, cmd.site_id)
        errors = profile_problems(cmd.profile, self._clock.now().date())
        profile = _phones(self._phones, _clean(cmd.profile), errors)
        if cmd.relationship and cmd.relationship not in Relationship.__members__:
            errors.setdefault("relationship", []).append(f"Attendu : {', '.join(Relationship)}")
        if cmd.family_id is not None:
            family = await self._families.get_for_update(cmd.family_id)
            if family is None or family.site_id != site.id:
                errors.setdefault("family", []).append(FAMILY_NOT_FOUND)
        if errors:
            raise InvalidInput(INVALID, details=errors)
        return site, profile


class CreateMember(MemberWriter):
    """A new member of a site, with the site's next member id (`EEBC-CAB-0042`)."""

    async def __call__(self, cmd: MemberCommand) -> Member:
        site, profile = await self._checked(cmd)
        assert site.id is not None
        number = await self._sites.take_member_number(site.id)
        now = self._clock.now()
        member = await self._members.add(Member(
            site_id=site.id, profile=profile, member_code=member_code(site.code, number), family_id=cmd.family_id,
            relationship=cmd.relationship if cmd.family_id else "", created_at=now, updated_at=now))
        await self._uow.commit()
        return member


async def _managed_member(members: MemberRepository, sites: SiteRepository, actor: Actor, member_id: int) -> Member:
    MANAGE_MEMBERS_OWN_SITE.check(actor)
    member = await members.get_for_update(member_id)
    site = await sites.get(member.site_id) if member else None
    if member is None or site is None or not may_manage_site(actor, site):
        raise NotFound(MEMBER_NOT_FOUND)
    return member


class UpdateMember(MemberWriter):
    """Replaces a member's fields (a PUT); moving to another site keeps the member id."""

    async def __call__(self, member_id: int, cmd: MemberCommand) -> Member:
        member = await _managed_member(self._members, self._sites, cmd.actor, member_id)
        site, profile = await self._checked(cmd)
        assert site.id is not None
        member.site_id, member.profile, member.family_id = site.id, profile, cmd.family_id
        member.relationship = cmd.relationship if cmd.family_id else ""
        member.updated_at = self._clock.now()
        await self._members.save(member)
        await self._uow.commit()
        return member


class ArchiveMember:
    """DELETE: the member leaves the directory (status `inactif`); registrations and rotas keep their id."""

    def __init__(self, members: MemberRepository, sites: SiteRepository, uow: UnitOfWork, clock: Clock) -> None:
        self._members, self._sites, self._uow, self._clock = members, sites, uow, clock

    async def __call__(self, actor: Actor, member_id: int) -> None:
        member = await _managed_member(self._members, self._sites, actor, member_id)
        member.profile = dataclasses.replace(member.profile, status=MemberStatus.INACTIVE)
        member.updated_at = self._clock.now()
        await self._members.save(member)
        await self._uow.commit()


class LinkAccount:
    """Makes an account this member's (after staff created it for them)."""

    def __init__(self, members: MemberRepository, sites: SiteRepository, uow: UnitOfWork) -> None:
        self._members, self._sites, self._uow = members, sites, uow

    async def __call__(self, actor: Actor, member_id: int, user_id: int) -> Member:
        member = await _managed_member(self._members, self._sites, actor, member_id)
        member.user_id = user_id
        await self._members.save(member)
        await self._uow.commit()
        return member


# ------------------------------------------------------------------------------------------------ families


@dataclass(frozen=True)
class FamilyCommand:
    actor: Actor
    name: str
    site_id: int


def _family_name(name: str) -> str:
    if not name.strip() or len(name) > 150:
        raise InvalidInput(INVALID, details={"name": ["Requis, 150 caractères au plus"]})
    return name.strip()


class CreateFamily:
    def __init__(self, families: FamilyRepository, sites: SiteRepository, uow: UnitOfWork, clock: Clock) -> None:
        self._families, self._sites, self._uow, self._clock = families, sites, uow, clock

    async def __call__(self, cmd: FamilyCommand) -> Family:
        site = await managed_site(self._sites, cmd.actor, cmd.site_id)
        assert site.id is not None
        family = await self._families.add(Family(name=_family_name(cmd.name), site_id=site.id,
                                                 created_at=self._clock.now()))
        await self._uow.commit()
        return family


async def _managed_family(families: FamilyRepository, sites: SiteRepository, actor: Actor, family_id: int) -> Family:
    MANAGE_MEMBERS_OWN_SITE.check(actor)
    family = await families.get_for_update(family_id)
    site = await sites.get(family.site_id) if family else None
    if family is None or site is None or not may_manage_site(actor, site):
        raise NotFound(FAMILY_NOT_FOUND)
    return family


class RenameFamily:
    def __init__(self, families: FamilyRepository, sites: SiteRepository, uow: UnitOfWork) -> None:
        self._families, self._sites, self._uow = families, sites, uow

    async def __call__(self, actor: Actor, family_id: int, name: str) -> Family:
        family = await _managed_family(self._families, self._sites, actor, family_id)
        family.name = _family_name(name)
        await self._families.save(family)
        await self._uow.commit()
        return family


class DeleteFamily:
    def __init__(self, families: FamilyRepository, sites: SiteRepository, uow: UnitOfWork) -> None:
        self._families, self._sites, self._uow = families, sites, uow

    async def __call__(self, actor: Actor, family_id: int) -> None:
        family = await _managed_family(self._families, self._sites, actor, family_id)
        await self._families.delete(family)
        await self._uow.commit()
