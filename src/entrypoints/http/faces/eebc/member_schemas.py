"""EEBC wire shapes of the community context: the directory (members), and the staff API's sites, members,
families. Field names are the spec's."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

from application.community.queries import MemberPage, MemberView
from domain.community.model import Family, Member, MemberProfile, MemberStatus, Site, age_on
from domain.shared.ids import MAX_ID

DbId = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]

# --- responses --------------------------------------------------------------------------------------------


class SiteBlock(msgspec.Struct):
    id: int
    code: str
    name: str


class MemberCard(msgspec.Struct):
    id: int
    member_id: str
    first_name: str
    last_name: str
    email: str
    phone: str | None
    photo: str | None
    status: str
    site: SiteBlock


class MemberPageBody(msgspec.Struct):
    count: int
    next: str | None
    previous: str | None
    results: list[MemberCard]


class Relative(msgspec.Struct):
    id: int
    first_name: str
    last_name: str
    relationship: str


class FamilyBlock(msgspec.Struct):
    id: int
    name: str
    members: list[Relative]


class MemberDetail(msgspec.Struct):
    id: int
    member_id: str
    first_name: str
    last_name: str
    full_name: str
    email: str
    phone: str | None
    whatsapp_number: str | None
    photo: str | None
    date_of_birth: date | None
    age: int | None
    gender: str
    marital_status: str
    address: str
    city: str
    postal_code: str
    is_baptized: bool
    baptism_date: date | None
    status: str
    family: FamilyBlock | None
    site: SiteBlock


class StaffMemberDetail(MemberDetail):
    """What staff sees besides: the notes, the family link of this member, the account."""

    notes: str
    relationship: str
    user_id: int | None


class StaffMemberOk(msgspec.Struct, kw_only=True):
    success: bool = True
    data: StaffMemberDetail


class StaffMemberPage(msgspec.Struct, kw_only=True):
    success: bool = True
    data: MemberPageBody


class SiteData(msgspec.Struct):
    id: int
    code: str
    name: str
    address: str
    city: str
    is_active: bool


class SiteOk(msgspec.Struct, kw_only=True):
    success: bool = True
    data: SiteData


class SiteList(msgspec.Struct, kw_only=True):
    success: bool = True
    data: list[SiteData]


class FamilyData(msgspec.Struct):
    id: int
    name: str
    site: SiteBlock | None
    members: list[Relative]


class FamilyOk(msgspec.Struct, kw_only=True):
    success: bool = True
    data: FamilyData


class FamilyPageBody(msgspec.Struct):
    count: int
    next: str | None
    previous: str | None
    results: list[FamilyData]


class FamilyPage(msgspec.Struct, kw_only=True):
    success: bool = True
    data: FamilyPageBody


class AccountData(msgspec.Struct):
    user_id: int
    username: str
    email: str
    member_id: int


class AccountOk(msgspec.Struct, kw_only=True):
    success: bool = True
    message: str
    data: AccountData


class ImportRefusal(msgspec.Struct):
    row: int
    errors: dict[str, list[str]]


class ImportData(msgspec.Struct):
    created: int
    refused: list[ImportRefusal]
    dry_run: bool


class ImportOk(msgspec.Struct, kw_only=True):
    success: bool = True
    data: ImportData


# --- requests ---------------------------------------------------------------------------------------------


class MemberBody(msgspec.Struct, forbid_unknown_fields=True):
    """A member as staff writes it (POST creates, PUT replaces). Phones local (`0694 12 34 56`) or E.164."""

    site: DbId
    first_name: str
    last_name: str
    email: str = ""
    phone: str = ""
    whatsapp_number: str = ""
    date_of_birth: date | None = None
    gender: str = ""
    marital_status: str = ""
    address: str = ""
    city: str = ""
    postal_code: str = ""
    is_baptized: bool = False
    baptism_date: date | None = None
    status: str = MemberStatus.ACTIVE.value
    notes: str = ""
    family: DbId | None = None
    relationship: str = ""


class SiteBody(msgspec.Struct, forbid_unknown_fields=True):
    code: str
    name: str
    address: str = ""
    city: str = ""
    is_active: bool = True


class FamilyBody(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    site: DbId


class FamilyRenameBody(msgspec.Struct, forbid_unknown_fields=True):
    name: str


class ImportForm(msgspec.Struct):
    """The import's form fields besides the `file`."""

    dry_run: bool | None = None


class AccountBody(msgspec.Struct, forbid_unknown_fields=True):
    """The account staff opens for a member: username (default: `prenom.nom`), email (default: the member's),
    role (default: `membre`)."""

    username: str | None = None
    email: str | None = None
    role: str = "membre"


# --- mapping ----------------------------------------------------------------------------------------------


def site_block(site: Site) -> SiteBlock:
    assert site.id is not None
    return SiteBlock(id=site.id, code=site.code, name=site.name)


def site_data(site: Site) -> SiteData:
    assert site.id is not None
    return SiteData(id=site.id, code=site.code, name=site.name, address=site.address, city=site.city,
                    is_active=site.is_active)


def _contact(value: str, shown: bool) -> str | None:
    return value if shown and value else None


def card(member: Member, site: SiteBlock, show_contacts: bool) -> MemberCard:
    assert member.id is not None
    p = member.profile
    return MemberCard(id=member.id, member_id=member.member_code, first_name=p.first_name, last_name=p.last_name,
                      email=p.email if show_contacts else "", phone=_contact(p.phone, show_contacts),
                      photo=member.photo or None, status=p.status.value, site=site)


def page_body(page: MemberPage, next_url: str | None, previous_url: str | None) -> MemberPageBody:
    unknown = SiteBlock(id=0, code="", name="")
    blocks = {site_id: site_block(site) for site_id, site in page.sites.items()}  # one per site, not per card
    return MemberPageBody(count=page.total, next=next_url, previous=previous_url, results=[
        card(m, blocks.get(m.site_id, unknown), page.show_contacts) for m in page.members])


def relative(member: Member) -> Relative:
    assert member.id is not None
    return Relative(id=member.id, first_name=member.profile.first_name, last_name=member.profile.last_name,
                    relationship=member.relationship)


def _detail_fields(view: MemberView, today: date) -> dict[str, object]:
    m, p, shown = view.member, view.member.profile, view.show_contacts
    family = None
    if view.family is not None:
        assert view.family.id is not None
        family = FamilyBlock(id=view.family.id, name=view.family.name, members=[relative(r) for r in view.relatives])
    return {
        "id": m.id, "member_id": m.member_code, "first_name": p.first_name, "last_name": p.last_name,
        "full_name": f"{p.first_name} {p.last_name}".strip(), "email": p.email if shown else "",
        "phone": _contact(p.phone, shown), "whatsapp_number": _contact(p.whatsapp_number, shown),
        "photo": m.photo or None, "date_of_birth": p.date_of_birth, "age": age_on(p.date_of_birth, today),
        "gender": p.gender, "marital_status": p.marital_status, "address": p.address, "city": p.city,
        "postal_code": p.postal_code, "is_baptized": p.is_baptized, "baptism_date": p.baptism_date,
        "status": p.status.value, "family": family, "site": site_block(view.site),
    }


def detail(view: MemberView, today: date) -> MemberDetail:
    return MemberDetail(**_detail_fields(view, today))  # type: ignore[arg-type]


def staff_detail(view: MemberView, today: date) -> StaffMemberOk:
    m = view.member
    return StaffMemberOk(data=StaffMemberDetail(**_detail_fields(view, today),  # type: ignore[arg-type]
                                                notes=m.profile.notes, relationship=m.relationship,
                                                user_id=m.user_id))


def family_data(family: Family, members: list[Member], site: Site | None) -> FamilyData:
    assert family.id is not None
    return FamilyData(id=family.id, name=family.name, site=site_block(site) if site else None,
                      members=[relative(m) for m in members])


def profile_of(body: MemberBody, status: MemberStatus) -> MemberProfile:
    return MemberProfile(
        first_name=body.first_name, last_name=body.last_name, email=body.email, phone=body.phone,
        whatsapp_number=body.whatsapp_number, date_of_birth=body.date_of_birth, gender=body.gender,
        marital_status=body.marital_status, address=body.address, city=body.city, postal_code=body.postal_code,
        is_baptized=body.is_baptized, baptism_date=body.baptism_date, status=status, notes=body.notes)
