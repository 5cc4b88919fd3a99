"""The community context in memory."""

from __future__ import annotations

from dishka import Provider, Scope, provide

from adapters.memory import community as memory
from adapters.memory.church_directory import MemoryChurchDirectory, MemorySiteCatalogue
from application.community.ports import CommunityReads, FamilyRepository, MemberRepository, SiteRepository
from application.identity.ports import SiteCatalogue
from application.shared.church import ChurchDirectory


class CommunityMemory(Provider):
    scope = Scope.REQUEST

    directory = provide(MemoryChurchDirectory, provides=ChurchDirectory)
    site_catalogue = provide(MemorySiteCatalogue, provides=SiteCatalogue)
    sites = provide(memory.MemorySiteRepository, provides=SiteRepository)
    members = provide(memory.MemoryMemberRepository, provides=MemberRepository)
    families = provide(memory.MemoryFamilyRepository, provides=FamilyRepository)
    reads = provide(memory.MemoryCommunityReads, provides=CommunityReads)
