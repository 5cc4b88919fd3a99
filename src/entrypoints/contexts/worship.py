"""Worship: the church's services, the roles people serve in and the rota (tables `worship_*`)."""

from __future__ import annotations

from adapters.sql.worship import mapping
from application.worship.reminders import SendReminders
from entrypoints.contexts.base import BoundedContext, Cron
from entrypoints.di.memory.worship import WorshipMemory
from entrypoints.di.worship import WorshipAdapters, WorshipPersistence, WorshipUseCases
from entrypoints.http.faces.eebc.controllers.worship import WorshipController
from entrypoints.http.faces.eebc.controllers.worship_staff import WorshipStaffController
from entrypoints.seed_worship import worship_demo

WORSHIP = BoundedContext(
    name="worship",
    providers=(WorshipAdapters, WorshipPersistence, WorshipUseCases),
    memory_providers=(WorshipMemory,),
    map_entities=mapping.map_entities,
    routes={"eebc": (WorshipController, WorshipStaffController)},
    crons=(Cron("worship_send_reminders", SendReminders, "7 * * * *"),),
    demo_seed=worship_demo,
)
