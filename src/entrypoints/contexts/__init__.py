"""The list of bounded contexts, one line each: it assembles the container, the schema, the worker and the faces.

Adding a context: declare it in `entrypoints/contexts/<name>.py` (see base.py) and add it below.
"""

from __future__ import annotations

from entrypoints.contexts.agenda import AGENDA
from entrypoints.contexts.announcements import ANNOUNCEMENTS_CONTEXT
from entrypoints.contexts.base import BoundedContext, Cron
from entrypoints.contexts.church_events import CHURCH_EVENTS
from entrypoints.contexts.community import COMMUNITY
from entrypoints.contexts.identity import IDENTITY
from entrypoints.contexts.messaging import MESSAGING
from entrypoints.contexts.notifications import NOTIFICATIONS
from entrypoints.contexts.payments import PAYMENTS
from entrypoints.contexts.platform import PLATFORM
from entrypoints.contexts.publications import PUBLICATIONS
from entrypoints.contexts.ticketing import TICKETING
from entrypoints.contexts.worship import WORSHIP

CONTEXTS: tuple[BoundedContext, ...] = (
    PLATFORM,
    IDENTITY,
    PAYMENTS,
    TICKETING,
    NOTIFICATIONS,
    COMMUNITY,
    PUBLICATIONS,
    AGENDA,
    MESSAGING,
    CHURCH_EVENTS,
    WORSHIP,
    ANNOUNCEMENTS_CONTEXT,
)

__all__ = ["CONTEXTS", "BoundedContext", "Cron"]
