"""The community context: the church directory that the other church contexts read, its staff use cases."""

from __future__ import annotations

from dishka import Provider, Scope, provide, provide_all

from adapters.auth.phones import GuianaPhoneNumbers
from adapters.sql.community import repositories as sql
from adapters.sql.community.directory import SqlChurchDirectory, SqlSiteCatalogue
from adapters.sql.community.reads import SqlCommunityReads
from application.community import services
from application.community.imports import ImportMembers
from application.community.ports import (
    CommunityConfig,
    CommunityReads,
    FamilyRepository,
    MemberRepository,
    PhoneNumbers,
    SiteRepository,
)
from application.community.queries import CommunityQueries
from application.identity.ports import SiteCatalogue
from application.shared.church import ChurchDirectory


class CommunityAdapters(Provider):
    scope = Scope.APP

    phones = provide(GuianaPhoneNumbers, provides=PhoneNumbers)

    @provide
    def config(self) -> CommunityConfig:
        return CommunityConfig()


class CommunityPersistence(Provider):
    scope = Scope.REQUEST

    directory = provide(SqlChurchDirectory, provides=ChurchDirectory)
    site_catalogue = provide(SqlSiteCatalogue, provides=SiteCatalogue)  # identity's port: EEBC accounts' sites
    sites = provide(sql.SqlSiteRepository, provides=SiteRepository)
    members = provide(sql.SqlMemberRepository, provides=MemberRepository)
    families = provide(sql.SqlFamilyRepository, provides=FamilyRepository)
    reads = provide(SqlCommunityReads, provides=CommunityReads)


class CommunityUseCases(Provider):
    scope = Scope.REQUEST

    queries = provide(CommunityQueries)
    use_cases = provide_all(
        services.CreateSite, services.UpdateSite, services.CreateMember, services.UpdateMember,
        services.ArchiveMember, services.LinkAccount, services.CreateFamily, services.RenameFamily,
        services.DeleteFamily, ImportMembers,
    )
