"""`agora seed --demo` for the announcements context: a few announcements per demo site and for the whole church,
written by a demo pastor (password DEMO_PASSWORD), some pinned, one to come and one ended. It reads the sites
through the church directory (the community context seeds them first); with no site it adds nothing. Skipped when
the demo pastor already wrote announcements; it answers {} when it adds nothing."""

from __future__ import annotations

from datetime import timedelta

from dishka import AsyncContainer

from application.announcements.queries import AnnouncementQueries
from application.announcements.services import CreateAnnouncement, SaveAnnouncementCommand
from application.identity.ports import UserRepository
from application.identity.services import RegisterCommand, RegisterUser
from application.shared.church import ChurchDirectory, SiteRef
from application.shared.ports import Clock
from domain.announcements.model import AnnouncementDetails, Priority
from domain.identity.model import Realm, User
from entrypoints.seed import DEMO_PASSWORD, call, in_scope

AUTHOR_EMAIL = "pasteur.martin@eebc.demo"

CHURCH_WIDE = (
    ("Assemblée générale annuelle", "L'assemblée générale annuelle de l'Église aura lieu le dimanche 25 janvier "
     "après le culte, au temple de Cabassou. Tous les membres sont invités : rapport moral, rapport financier et "
     "élection du conseil.", True, Priority.HIGH),
    ("Semaine de prière", "Du lundi au vendredi, rendez-vous chaque soir à 19h pour une semaine de prière commune "
     "à tous les sites. Apportez vos sujets de prière.", False, Priority.NORMAL),
)
PER_SITE = (
    ("Nettoyage du temple", "Samedi matin, grand nettoyage du temple et du jardin de {name}. Venez nombreux avec "
     "gants et balais, un repas sera partagé à midi.", False, Priority.LOW),
    ("Changement d'horaire du culte", "À partir de dimanche prochain, le culte de {name} commencera à 9h30 au lieu "
     "de 10h. Merci de le faire savoir autour de vous.", True, Priority.URGENT),
)


async def _author(container: AsyncContainer, site_code: str) -> User:
    async def find(users: UserRepository) -> User | None:
        return await users.by_email(Realm.EEBC, AUTHOR_EMAIL)

    found = await in_scope(container, find, UserRepository)
    if found is not None:
        return found

    async def register(use_case: RegisterUser) -> User:
        return await use_case(RegisterCommand(
            realm=Realm.EEBC, email=AUTHOR_EMAIL, password=DEMO_PASSWORD, username="pasteur.martin",
            first_name="Pasteur", last_name="Martin", role="pasteur", site_code=site_code, email_verified=True),
            administrative=True)

    return await in_scope(container, register, RegisterUser)


async def announcements_demo(container: AsyncContainer) -> dict[str, int]:
    async def sites(directory: ChurchDirectory) -> list[SiteRef]:
        return await directory.sites()

    site_refs = await in_scope(container, sites, ChurchDirectory)
    if not site_refs:
        return {}
    author = (await _author(container, site_refs[0].code)).as_actor()

    async def written(queries: AnnouncementQueries) -> int:
        return (await queries.managed(author, page_size=1)).total

    if await in_scope(container, written, AnnouncementQueries):
        return {}
    now = (await container.get(Clock)).now()
    plans: list[AnnouncementDetails] = [
        AnnouncementDetails(title=title, content=text, is_pinned=pinned, priority=priority,
                            start_date=now - timedelta(days=n + 1))
        for n, (title, text, pinned, priority) in enumerate(CHURCH_WIDE)]
    for site in site_refs:
        for n, (title, text, pinned, priority) in enumerate(PER_SITE):
            plans.append(AnnouncementDetails(
                title=f"{title} ({site.name})", content=text.format(name=site.name),
                site_id=site.id, is_pinned=pinned, priority=priority,
                start_date=now - timedelta(days=n)))
    plans.append(AnnouncementDetails(title="Concert de Noël", content="Le concert de Noël de la chorale aura lieu "
                                     "le 20 décembre à 18h.", start_date=now + timedelta(days=7)))
    plans.append(AnnouncementDetails(title="Inscriptions au camp de jeunes (closes)", content="Les inscriptions "
                                     "au camp de jeunes sont closes.", start_date=now - timedelta(days=30),
                                     end_date=now - timedelta(days=2)))
    for details in plans:
        await call(container, CreateAnnouncement, SaveAnnouncementCommand(author, details))
    return {"announcements": len(plans)}
