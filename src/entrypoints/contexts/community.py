"""Community: the church's sites, families and members (tables `community_*`); the directory the other church
contexts read (application/shared/church.py)."""

from __future__ import annotations

from adapters.sql.community import mapping
from entrypoints.contexts.base import BoundedContext
from entrypoints.di.community import CommunityPersistence
from entrypoints.di.memory.community import CommunityMemory

COMMUNITY = BoundedContext(
    name="community",
    providers=(CommunityPersistence,),
    memory_providers=(CommunityMemory,),
    map_entities=mapping.map_entities,
)
