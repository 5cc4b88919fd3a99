"""Announcements: the church's announcements and who read them (tables `announcement*`); an announcement that
becomes active is pushed to its site's members."""

from __future__ import annotations

from adapters.sql.announcements import mapping
from application.announcements.announcements import ANNOUNCEMENTS
from application.announcements.services import PublishDueAnnouncements, PushAnnouncement
from application.announcements.topics import PUBLISH_DUE, PUSH_ANNOUNCEMENT
from entrypoints.contexts.base import BoundedContext, Cron
from entrypoints.di.announcements import AnnouncementsAdapters, AnnouncementsPersistence, AnnouncementsUseCases
from entrypoints.di.memory.announcements import AnnouncementsMemory
from entrypoints.http.faces.eebc.controllers import announcements as eebc_announcements
from entrypoints.seed_announcements import announcements_demo

ANNOUNCEMENTS_CONTEXT = BoundedContext(
    name="announcements",
    providers=(AnnouncementsAdapters, AnnouncementsPersistence, AnnouncementsUseCases),
    memory_providers=(AnnouncementsMemory,),
    map_entities=mapping.map_entities,
    announcements=ANNOUNCEMENTS,
    jobs={PUSH_ANNOUNCEMENT: PushAnnouncement},
    crons=(Cron(PUBLISH_DUE, PublishDueAnnouncements, "* * * * *"),),
    routes={"eebc": (eebc_announcements.AnnouncementsController,
                     eebc_announcements.StaffAnnouncementsController)},
    demo_seed=announcements_demo,
)
