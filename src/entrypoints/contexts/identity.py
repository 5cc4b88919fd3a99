"""Identity: accounts, sessions, two-factor and social login, on all three faces."""

from __future__ import annotations

from adapters.sql.identity.mapping import map_entities
from entrypoints.contexts.base import BoundedContext
from entrypoints.di.identity import IdentityAdapters, IdentityPersistence, IdentityReadSide, IdentityUseCases
from entrypoints.di.memory.identity import IdentityMemory
from entrypoints.http.faces.eebc.controllers import auth as eebc_auth
from entrypoints.http.faces.eebc.controllers import profile as eebc_profile
from entrypoints.http.faces.mairie.controllers import auth as mairie_auth
from entrypoints.http.faces.mairie.controllers import settings as mairie_settings
from entrypoints.http.faces.spotvibe.controllers import auth as spotvibe_auth
from entrypoints.http.faces.spotvibe.controllers import users as spotvibe_users

IDENTITY = BoundedContext(
    name="identity",
    providers=(IdentityAdapters, IdentityPersistence, IdentityReadSide, IdentityUseCases),
    memory_providers=(IdentityMemory,),
    map_entities=map_entities,
    routes={
        "spotvibe": (spotvibe_users.UsersController, spotvibe_auth.AuthController),
        "mairie": (mairie_auth.AuthController, mairie_settings.SecuritySettingsController),
        "eebc": (eebc_auth.AuthController, eebc_profile.ProfileController),
    },
)
