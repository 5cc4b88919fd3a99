"""Publications: the town hall's posts and communiqués, their likes, comments and views (tables
`publications_*`); a cron publishes the scheduled ones and archives the expired, a job tells the town."""

from __future__ import annotations

from adapters.sql.publications import mapping
from application.publications.announcements import ANNOUNCEMENTS
from application.publications.services import PublishDue, TellFollowers
from application.publications.topics import PUBLISH_DUE, TELL_FOLLOWERS
from entrypoints.contexts.base import BoundedContext, Cron
from entrypoints.di.memory.publications import PublicationsMemory
from entrypoints.di.publications import PublicationsAdapters, PublicationsPersistence, PublicationsUseCases
from entrypoints.http.faces.mairie.controllers import publications as mairie_publications
from entrypoints.seed_publications import publications_demo

PUBLICATIONS = BoundedContext(
    name="publications",
    providers=(PublicationsAdapters, PublicationsPersistence, PublicationsUseCases),
    memory_providers=(PublicationsMemory,),
    map_entities=mapping.map_entities,
    announcements=ANNOUNCEMENTS,
    jobs={TELL_FOLLOWERS: TellFollowers},
    crons=(Cron(PUBLISH_DUE, PublishDue, "* * * * *"),),
    routes={"mairie": (mairie_publications.PublicationsController,)},
    demo_seed=publications_demo,
)
