"""`agora seed --demo` for the conversations: citizens of the demo town write, staff answer, some are archived.
Idempotent: nothing is added when the town already has conversations."""

from __future__ import annotations

from dishka import AsyncContainer

from application.messaging.queries import MessagingQueries
from application.messaging.services import (
    Reply,
    ReplyCommand,
    StartConversation,
    StartConversationCommand,
    UpdateConversation,
    UpdateConversationCommand,
)
from domain.messaging.model import Category, ConversationStatus, Priority
from entrypoints.seed import call, in_scope
from entrypoints.seed_mairie import demo_town

# subject, category, priority, the citizen's message, the staff's answer (or None), archived afterwards
DEMO = (
    ("Horaires de la déchetterie", Category.SERVICES, Priority.NORMAL,
     "Bonjour, pourriez-vous me confirmer les nouveaux horaires de la déchetterie ?",
     "Bonjour, la déchetterie est ouverte du mardi au samedi, de 8 h à 17 h.", True),
    ("Nid-de-poule rue des Palmistes", Category.ROADS, Priority.HIGH,
     "Un nid-de-poule dangereux s'est formé devant le n° 12 de la rue des Palmistes.",
     "Merci, les services techniques interviennent cette semaine.", False),
    ("Acte de naissance", Category.CIVIL_STATUS, Priority.NORMAL,
     "Comment obtenir une copie intégrale de mon acte de naissance ?", None, False),
    ("Permis de construire : délai", Category.URBAN_PLANNING, Priority.LOW,
     "J'ai déposé un permis de construire il y a deux mois : où en est-il ?",
     "Votre dossier est en cours d'instruction ; une réponse vous parviendra d'ici trois semaines.", False),
    ("Inscription à la cantine", Category.EDUCATION, Priority.NORMAL,
     "Quelles pièces faut-il pour inscrire mon fils à la cantine scolaire ?", None, False),
    ("Dépôt sauvage au bord du canal", Category.ENVIRONMENT, Priority.URGENT,
     "Des déchets ont été déposés au bord du canal, près de l'école.",
     "Merci de votre signalement : l'enlèvement est prévu demain matin.", True),
)


async def messaging_demo(container: AsyncContainer) -> dict[str, int]:
    town = await demo_town(container)
    mayor = town.actor(town.mayor)

    async def existing(queries: MessagingQueries) -> int:
        return (await queries.conversations(mayor)).page.total

    if await in_scope(container, existing, MessagingQueries):
        return {}
    replies = 0
    for n, (subject, category, priority, question, answer, archived) in enumerate(DEMO):
        citizen = town.actor(town.citizens[n % len(town.citizens)])
        conversation, _ = await call(container, StartConversation, StartConversationCommand(
            citizen, subject=subject, category=category, content=question, priority=priority))
        if answer is None:
            continue
        staff = town.actor(town.staff[n % len(town.staff)])
        await call(container, Reply, ReplyCommand(staff, conversation.id, answer))
        replies += 1
        if archived:
            await call(container, UpdateConversation,
                       UpdateConversationCommand(staff, conversation.id, ConversationStatus.ARCHIVED))
    return {"conversations": len(DEMO), "replies": replies}
