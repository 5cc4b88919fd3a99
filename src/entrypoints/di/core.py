"""What every context uses: settings, the clock, the rate limiter, the shared jobs (email, SMS, outbox relay)."""

from __future__ import annotations

from dishka import Provider, Scope, from_context, provide, provide_all

from adapters.clock import SystemClock
from application.shared.email import SendEmail, SendSms
from application.shared.outbox import RelayOutbox
from application.shared.ports import Clock, Throttle
from entrypoints.di.throttle import shared_throttle
from entrypoints.runtime import Runtime
from entrypoints.settings import Settings


class CoreProvider(Provider):
    scope = Scope.APP
    runtime = from_context(Runtime, scope=Scope.APP)

    @provide
    def settings(self, runtime: Runtime) -> Settings:
        return runtime.settings

    clock = provide(SystemClock, provides=Clock)

    throttle = provide(staticmethod(shared_throttle), provides=Throttle)

    jobs = provide_all(SendEmail, SendSms, RelayOutbox, scope=Scope.REQUEST)
