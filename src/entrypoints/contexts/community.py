"""Community: the church's sites, families and members (tables `community_*`); the directory the other church
contexts read (application/shared/church.py)."""

from __future__ import annotations

from adapters.sql.community import mapping
from entrypoints.contexts.base import BoundedContext
from entrypoints.di.community import CommunityAdapters, CommunityPersistence, CommunityUseCases
from entrypoints.di.memory.community import CommunityMemory
from entrypoints.http.faces.eebc.controllers import members as eebc_members
from entrypoints.http.faces.eebc.controllers import staff_community as eebc_staff
from entrypoints.seed_community import community_demo

COMMUNITY = BoundedContext(
    name="community",
    providers=(CommunityAdapters, CommunityPersistence, CommunityUseCases),
    memory_providers=(CommunityMemory,),
    map_entities=mapping.map_entities,
    routes={"eebc": (eebc_members.MembersController, eebc_staff.StaffSitesController,
                     eebc_staff.StaffMembersController, eebc_staff.StaffFamiliesController)},
    demo_seed=community_demo,
)
