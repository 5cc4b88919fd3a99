"""`agora seed --demo` for publications: 200 publications of the demo town (entrypoints/seed_mairie.py) across
statuses, with likes and comments, through the use cases. Idempotent: a town that has them gets nothing more."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from dishka import AsyncContainer

from application.publications import services as s
from application.publications.ports import PublicationReads, PublicationSearch
from application.shared.ports import Clock
from domain.publications.model import Priority, PublicationDetails, PublicationStatus, PublicationType
from entrypoints.seed import call, in_scope
from entrypoints.seed_mairie import demo_town

DEMO_COUNT = 200
SUBJECTS = ("Travaux de voirie", "Conseil municipal", "Fête de la commune", "Collecte des encombrants",
            "Inscriptions scolaires", "Marché du samedi", "Coupure d'eau", "Vaccination", "Bibliothèque",
            "Nouveau parc municipal", "Plan canicule", "Transport scolaire")
STATUSES = ((PublicationStatus.PUBLISHED, 150), (PublicationStatus.DRAFT, 20), (PublicationStatus.SCHEDULED, 15),
            (PublicationStatus.ARCHIVED, 15))


async def publications_demo(container: AsyncContainer) -> dict[str, int]:
    town = await demo_town(container)
    now = await in_scope(container, _now, Clock)

    async def existing(reads: PublicationReads) -> int:
        return (await reads.page(PublicationSearch(municipality_id=town.municipality_id, now=now,
                                                   see_unpublished=True, limit=1)))[1]

    if await in_scope(container, existing, PublicationReads) >= DEMO_COUNT:
        return {}
    rng = random.Random(97302)  # noqa: S311 (demo data, not secrets)
    mayor, admin = town.actor(town.mayor), town.actor(town.admin)
    citizens = [town.actor(user) for user in town.citizens]
    added = likes = comments = 0
    for status, count in STATUSES:
        for n in range(count):
            kind = PublicationType.COMMUNIQUE if n % 4 == 0 else PublicationType.POST
            subject = SUBJECTS[(added + n) % len(SUBJECTS)]
            details = PublicationDetails(
                type=kind, title=f"{subject} n°{added + 1}",
                content=f"{subject} : la mairie de Matoury vous informe. " * 6,
                category="communiques" if kind is PublicationType.COMMUNIQUE else "actualites",
                tags=(subject.split()[0].lower(), "matoury"),
                priority=rng.choice(list(Priority)) if kind is PublicationType.COMMUNIQUE else None,
                is_pinned=added < 2,
                scheduled_at=now + timedelta(days=1 + n) if status is PublicationStatus.SCHEDULED else None)
            first = PublicationStatus.PUBLISHED if status is PublicationStatus.ARCHIVED else status
            card = await call(container, s.CreatePublication,
                              s.CreatePublicationCommand(mayor if n % 2 else admin, details, first))
            publication_id = card.publication.id
            added += 1
            if status is PublicationStatus.ARCHIVED:
                await call(container, s.UpdatePublication,
                           s.UpdatePublicationCommand(mayor, publication_id, status=PublicationStatus.ARCHIVED))
            if status is PublicationStatus.PUBLISHED:
                for citizen in rng.sample(citizens, rng.randint(0, 6)):
                    await call(container, s.ToggleLike, s.PublicationCommand(citizen, publication_id))
                    likes += 1
                for citizen in rng.sample(citizens, rng.randint(0, 2)):
                    await call(container, s.AddComment,
                               s.AddCommentCommand(citizen, publication_id, "Merci pour l'information !"))
                    comments += 1
    return {"publications": added, "likes": likes, "comments": comments}


async def _now(clock: Clock) -> datetime:
    return clock.now()
