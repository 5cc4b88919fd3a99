"""The staff API of the community context: /api/v1/staff/sites/, /staff/members/, /staff/families/.

Sites: admin only. Members and families: admin and pasteur on every site, secretariat on its own site (another
site's member or family is a 404). Member bodies take the spec's field names, phones local (`0694 12 34 56`) or
E.164, stored E.164. DELETE of a member archives it (status `inactif`): other contexts keep its id.
`POST /staff/members/{id}/account/` opens the member's EEBC account (role `membre`, `must_change_password`) and
emails a first-login link (identity's password-reset link).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from typing import Annotated, Any

from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import Body, JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_415_UNSUPPORTED_MEDIA_TYPE

from application.community import services
from application.community.imports import ImportCommand, ImportMembers
from application.community.queries import CommunityQueries
from application.identity.services import Principal, RegisterCommand, RegisterUser, RequestPasswordReset
from application.shared.ports import Clock
from domain.community.model import MemberStatus
from domain.identity.model import Realm
from domain.shared.errors import Conflict, Forbidden, InvalidInput, NotFound, StateConflict, TooLarge
from entrypoints.http.auth import principal_dependency
from entrypoints.http.faces.eebc import member_schemas as wire
from entrypoints.http.faces.eebc.controllers.members import (
    OrderingParam,
    PageNumber,
    Search,
    SiteFilter,
    links,
    parse_ordering,
)
from entrypoints.http.faces.eebc.schemas import Done
from entrypoints.http.openapi import may_raise, reads_body
from entrypoints.http.params import Id
from entrypoints.http.uploads import convert, read_body_and_files
from entrypoints.http.wire import wire_names

AUTH = {"principal": principal_dependency(Realm.EEBC)}
WRITES = may_raise(InvalidInput, Forbidden, NotFound, Conflict)
MEMBER_FIELDS = {"site_id": "site", "family_id": "family"}


def _status(value: str) -> MemberStatus:
    try:
        return MemberStatus(value)
    except ValueError:
        choices = ", ".join(s.value for s in MemberStatus)
        raise InvalidInput.on_field("status", f"Valeur invalide (attendu : {choices})") from None


def member_command(principal: Principal, body: wire.MemberBody) -> services.MemberCommand:
    return services.MemberCommand(actor=principal.actor, site_id=body.site,
                                  profile=wire.profile_of(body, _status(body.status)), family_id=body.family,
                                  relationship=body.relationship)


def _username(first_name: str, last_name: str) -> str:
    """`prenom.nom`, ASCII, for an account opened by staff."""
    text = unicodedata.normalize("NFKD", f"{first_name}.{last_name}".lower())
    return re.sub(r"[^a-z0-9._-]", "", text.encode("ascii", "ignore").decode())[:150] or "membre"


class StaffSitesController(Controller):
    path = "/api/v1/staff/sites"
    tags = ("staff: sites",)
    dependencies = AUTH

    @get("/")
    async def list_sites(self, principal: NamedDependency[Principal],
                         queries: FromDishka[CommunityQueries]) -> wire.SiteList:
        """Every site, active or not."""
        return wire.SiteList(data=[wire.site_data(s) for s in await queries.sites(principal.actor)])

    @post("/", status_code=HTTP_201_CREATED, opt=WRITES)
    async def create(self, data: JSONBody[wire.SiteBody], principal: NamedDependency[Principal],
                     use_case: FromDishka[services.CreateSite]) -> wire.SiteOk:
        site = await use_case(services.SiteCommand(actor=principal.actor, code=data.code, name=data.name,
                                                   address=data.address, city=data.city, is_active=data.is_active))
        return wire.SiteOk(data=wire.site_data(site))

    @put("/{site_id:int}/", opt=WRITES)
    async def update(self, site_id: Id, data: JSONBody[wire.SiteBody], principal: NamedDependency[Principal],
                     use_case: FromDishka[services.UpdateSite]) -> wire.SiteOk:
        """The code cannot change (it is in the member ids): the body's is ignored."""
        site = await use_case(site_id, services.SiteCommand(actor=principal.actor, code=data.code, name=data.name,
                                                            address=data.address, city=data.city,
                                                            is_active=data.is_active))
        return wire.SiteOk(data=wire.site_data(site))


class StaffMembersController(Controller):
    path = "/api/v1/staff/members"
    tags = ("staff: members",)
    dependencies = AUTH

    @get("/", opt=may_raise(InvalidInput, Forbidden))
    async def list_members(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                           queries: FromDishka[CommunityQueries], search: Search = None, site: SiteFilter = None,
                           ordering: OrderingParam = None, page: PageNumber = None) -> wire.StaffMemberPage:
        """Members of every status, of the sites the caller manages."""
        number = page or 1
        found = await queries.directory(principal.actor, search=search, site_id=site,
                                        ordering=parse_ordering(ordering), page=number, staff=True)
        return wire.StaffMemberPage(data=wire.page_body(found, *links(request, number, found.has_next)))

    @post("/import/", status_code=HTTP_200_OK, opt=may_raise(InvalidInput, Forbidden, TooLarge)
          | reads_body(wire.ImportForm, files=("file",), json=False))
    async def import_members(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                             use_case: FromDishka[ImportMembers],
                             dry_run: Annotated[bool, Parameter(description="true: nothing is created")] = False
                             ) -> wire.ImportOk:
        """multipart/form-data with a `file` (CSV, UTF-8 or Latin-1, `;` or `,`; columns in docs/community.md:
        `site`, `first_name`, `last_name` required) and `dry_run` (form field or query, default false: with true
        nothing is created). 2 MB and 5,000 rows at most (413). Answers what was (or would be) created and, row
        by row (line numbers of the file, the header being line 1), what was refused and why."""
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise HTTPException(status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE)
        fields, files = await read_body_and_files(request, file_fields=("file",))
        if "file" not in files:
            raise InvalidInput.on_field("file", "Un fichier CSV est attendu (champ file)")
        form = convert(fields, wire.ImportForm)
        dry = dry_run or bool(form.dry_run)
        report = await use_case(ImportCommand(actor=principal.actor, data=files["file"].data, dry_run=dry))
        return wire.ImportOk(data=wire.ImportData(created=report.created, dry_run=dry, refused=[
            wire.ImportRefusal(row=row, errors=errors) for row, errors in report.refused]))

    @get("/{member_id:int}/", opt=may_raise(NotFound, Forbidden))
    async def show(self, member_id: Id, principal: NamedDependency[Principal], queries: FromDishka[CommunityQueries],
                   clock: FromDishka[Clock]) -> wire.StaffMemberOk:
        return wire.staff_detail(await queries.member(principal.actor, member_id, staff=True), clock.now().date())

    @post("/", status_code=HTTP_201_CREATED, opt=WRITES)
    async def create(self, data: JSONBody[wire.MemberBody], principal: NamedDependency[Principal],
                     use_case: FromDishka[services.CreateMember], queries: FromDishka[CommunityQueries],
                     clock: FromDishka[Clock]) -> wire.StaffMemberOk:
        """A new member; its `member_id` (`EEBC-CAB-0042`) is the site's next number."""
        with wire_names(MEMBER_FIELDS):
            member = await use_case(member_command(principal, data))
        assert member.id is not None
        return wire.staff_detail(await queries.member(principal.actor, member.id, staff=True), clock.now().date())

    @put("/{member_id:int}/", opt=WRITES)
    async def update(self, member_id: Id, data: JSONBody[wire.MemberBody], principal: NamedDependency[Principal],
                     use_case: FromDishka[services.UpdateMember], queries: FromDishka[CommunityQueries],
                     clock: FromDishka[Clock]) -> wire.StaffMemberOk:
        with wire_names(MEMBER_FIELDS):
            await use_case(member_id, member_command(principal, data))
        return wire.staff_detail(await queries.member(principal.actor, member_id, staff=True), clock.now().date())

    @delete("/{member_id:int}/", status_code=HTTP_200_OK, opt=may_raise(NotFound, Forbidden))
    async def archive(self, member_id: Id, principal: NamedDependency[Principal],
                      use_case: FromDishka[services.ArchiveMember]) -> Done:
        await use_case(principal.actor, member_id)
        return Done(message="Membre archivé")

    @post("/{member_id:int}/account/", status_code=HTTP_201_CREATED,
          opt=may_raise(InvalidInput, Forbidden, NotFound, Conflict, StateConflict))
    async def open_account(self, request: Request[Any, Any, Any], member_id: Id, principal: NamedDependency[Principal],
                           queries: FromDishka[CommunityQueries], register: FromDishka[RegisterUser],
                           link: FromDishka[services.LinkAccount], first_login: FromDishka[RequestPasswordReset],
                           data: Annotated[wire.AccountBody | None, Body()] = None) -> wire.AccountOk:
        """Opens the member's account (role `membre`, to change its password at first login) and emails the
        member a link to choose it. 409 when the member already has an account or the email/username is taken."""
        body = data or wire.AccountBody()
        view = await queries.member(principal.actor, member_id, staff=True)
        member = view.member
        if member.user_id is not None:
            raise StateConflict("Ce membre a déjà un compte")
        email = (body.email or member.profile.email).strip()
        if not email:
            raise InvalidInput.on_field("email", "Le membre n'a pas d'adresse e-mail : indiquez-en une")
        user = await register(RegisterCommand(
            realm=Realm.EEBC, email=email, password=secrets.token_urlsafe(24) + "Aa1!",
            username=body.username or _username(member.profile.first_name, member.profile.last_name),
            first_name=member.profile.first_name, last_name=member.profile.last_name,
            phone=member.profile.phone or None, role="membre", site_code=view.site.code,
            actor=principal.actor, must_change_password=True), administrative=True)
        assert user.id is not None and member.id is not None
        await link(principal.actor, member.id, user.id)
        await first_login(Realm.EEBC, user.email, request.client.host if request.client else None)
        return wire.AccountOk(message="Compte créé : un lien de première connexion a été envoyé",
                              data=wire.AccountData(user_id=user.id, username=user.username, email=user.email,
                                                    member_id=member.id))


class StaffFamiliesController(Controller):
    path = "/api/v1/staff/families"
    tags = ("staff: families",)
    dependencies = AUTH

    @get("/", opt=may_raise(Forbidden))
    async def list_families(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                            queries: FromDishka[CommunityQueries], site: SiteFilter = None,
                            page: PageNumber = None) -> wire.FamilyPage:
        number = page or 1
        families, total = await queries.families(principal.actor, site, number)
        sites = {s.id: s for s in await queries.sites(principal.actor)}
        has_next = number * 20 < total
        next_url, previous_url = links(request, number, has_next)
        return wire.FamilyPage(data=wire.FamilyPageBody(count=total, next=next_url, previous=previous_url, results=[
            wire.family_data(f, [], sites.get(f.site_id)) for f in families]))

    @get("/{family_id:int}/", opt=may_raise(NotFound, Forbidden))
    async def show(self, family_id: Id, principal: NamedDependency[Principal],
                   queries: FromDishka[CommunityQueries]) -> wire.FamilyOk:
        family, members = await queries.family(principal.actor, family_id)
        sites = {s.id: s for s in await queries.sites(principal.actor)}
        return wire.FamilyOk(data=wire.family_data(family, members, sites.get(family.site_id)))

    @post("/", status_code=HTTP_201_CREATED, opt=WRITES)
    async def create(self, data: JSONBody[wire.FamilyBody], principal: NamedDependency[Principal],
                     use_case: FromDishka[services.CreateFamily],
                     queries: FromDishka[CommunityQueries]) -> wire.FamilyOk:
        """A family of a site; members join it by their own PUT (`family`, `relationship`)."""
        with wire_names({"site_id": "site"}):
            family = await use_case(services.FamilyCommand(actor=principal.actor, name=data.name, site_id=data.site))
        sites = {s.id: s for s in await queries.sites(principal.actor)}
        return wire.FamilyOk(data=wire.family_data(family, [], sites.get(family.site_id)))

    @put("/{family_id:int}/", opt=WRITES)
    async def rename(self, family_id: Id, data: JSONBody[wire.FamilyRenameBody], principal: NamedDependency[Principal],
                     use_case: FromDishka[services.RenameFamily],
                     queries: FromDishka[CommunityQueries]) -> wire.FamilyOk:
        await use_case(principal.actor, family_id, data.name)
        family, members = await queries.family(principal.actor, family_id)
        sites = {s.id: s for s in await queries.sites(principal.actor)}
        return wire.FamilyOk(data=wire.family_data(family, members, sites.get(family.site_id)))

    @delete("/{family_id:int}/", status_code=HTTP_200_OK, opt=may_raise(NotFound, Forbidden))
    async def remove(self, family_id: Id, principal: NamedDependency[Principal],
                     use_case: FromDishka[services.DeleteFamily]) -> Done:
        """Its members stay, without a family."""
        await use_case(principal.actor, family_id)
        return Done(message="Famille supprimée")


