"""What every context stands on: database, unit of work and outbox, queue, clock, email and SMS senders."""

from __future__ import annotations

from application.shared.email import SEND_EMAIL, SEND_SMS, SendEmail, SendSms
from entrypoints.contexts.base import BoundedContext
from entrypoints.di.core import CoreProvider
from entrypoints.di.db import DatabaseProvider
from entrypoints.di.memory.platform import PlatformMemory
from entrypoints.di.notify import NotifyProvider
from entrypoints.di.queue import QueueProvider

PLATFORM = BoundedContext(
    name="platform",
    providers=(CoreProvider, DatabaseProvider, NotifyProvider, QueueProvider),
    memory_providers=(PlatformMemory,),
    jobs={SEND_EMAIL: SendEmail, SEND_SMS: SendSms},
)
