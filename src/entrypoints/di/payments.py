"""The payments context: configuration, the gateways (live, or against local fake providers), repositories,
the purposes other contexts sell, use cases."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import typing
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from dishka import AsyncContainer, Provider, Scope, from_context, provide, provide_all

from adapters.auth.phones import PhonenumbersNormalizer
from adapters.payments.fakes.catalogue import DEMO_OFFERS
from adapters.payments.fakes.local import LocalProviders
from adapters.payments.fedapay import FedapayGateway, FedapaySettings
from adapters.payments.mtn import MtnGateway, MtnSettings
from adapters.payments.orange import OrangeGateway, OrangeSettings
from adapters.payments.registry import GatewayRegistry
from adapters.payments.stripe import StripeGateway, StripeSettings
from adapters.sql.payments import repositories as sql
from adapters.sql.payments.reads import SqlPaymentReads
from application.payments import callbacks, charges, outcomes, queries, reconcile, refunds, settlement
from application.payments.charges import PayerPhones
from application.payments.config import PaymentsConfig
from application.payments.ports import (
    AttemptRepository,
    CommissionRepository,
    Gateways,
    Ledger,
    PaymentGateway,
    PaymentPurposes,
    PaymentReads,
    PaymentRepository,
    ProcessedCallbacks,
    RefundRepository,
)
from application.payments.purposes import PurposeOwner, PurposeRegistry
from domain.payments.model import PaymentMethod
from domain.payments.policies import CommissionPolicy
from entrypoints.http.faces.spotvibe.controllers.payments import MOBILE_MONEY_WEBHOOKS
from entrypoints.http.webhooks import PREFIX as WEBHOOKS_PREFIX
from entrypoints.http.webhooks.payments import STRIPE_WEBHOOK
from entrypoints.settings import Settings

SCALARS: dict[type, Callable[[str], Any]] = {
    str: str, int: int, float: float, bool: lambda v: v.strip().lower() in {"1", "true", "yes", "on"}}


def settings_from_env(cls: type[Any], prefix: str, env: Mapping[str, str]) -> Any:
    """`<PREFIX>_<FIELD>` sets each scalar field of a gateway's settings (e.g. MTN_COLLECTION_API_KEY)."""
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        raw = env.get(f"{prefix}_{field.name.upper()}")
        if raw is None:
            continue
        kind = next((t for t in (hints[field.name], *typing.get_args(hints[field.name])) if t in SCALARS), None)
        if kind is not None:
            values[field.name] = SCALARS[kind](raw)
    return cls(**values)


def callback_urls(settings: Settings) -> dict[PaymentMethod, str]:
    """Mobile money calls the SpotVibe face's webhooks; Stripe the shared /webhooks app (it serves every face)."""
    server = settings.public_url.rstrip("/")
    prefix = settings.faces.get("spotvibe", "/")
    face = server + ("" if prefix == "/" else prefix)
    urls = {method: face + path for method, path in MOBILE_MONEY_WEBHOOKS.items()}
    return {**urls, PaymentMethod.CARD: server + WEBHOOKS_PREFIX + STRIPE_WEBHOOK}


def return_page(settings: Settings, outcome: str) -> str:
    """Our own landing page for a payer's browser coming back from a provider (see entrypoints/http/webhooks.py)."""
    return f"{settings.public_url.rstrip('/')}/webhooks/payments/{outcome}/"


SHARED_FAKES_ENV = "AGORA_PAYMENTS_SHARED_FAKES"
FAKE_GATEWAYS: dict[str, type[Any]] = {
    "mtn": MtnSettings, "orange": OrangeSettings, "fedapay": FedapaySettings, "stripe": StripeSettings}


def _fake_providers(settings: Settings) -> LocalProviders:
    urls = callback_urls(settings)
    return LocalProviders(moov_webhook=urls[PaymentMethod.MOOV], stripe_webhook=urls[PaymentMethod.CARD])


@dataclass(frozen=True)
class SharedFakes:
    """The gateway settings of fake providers another process runs (`agora serve` starts them once, in the
    parent, so that every API process and the worker talk to the same fakes)."""

    gateways: dict[str, Any]

    def mtn_settings(self) -> MtnSettings:
        return typing.cast(MtnSettings, self.gateways["mtn"])

    def orange_settings(self) -> OrangeSettings:
        return typing.cast(OrangeSettings, self.gateways["orange"])

    def fedapay_settings(self) -> FedapaySettings:
        return typing.cast(FedapaySettings, self.gateways["fedapay"])

    def stripe_settings(self) -> StripeSettings:
        return typing.cast(StripeSettings, self.gateways["stripe"])

    @staticmethod
    def encode(local: LocalProviders) -> str:
        built: dict[str, Any] = {"mtn": local.mtn_settings(), "orange": local.orange_settings(),
                                 "fedapay": local.fedapay_settings(), "stripe": local.stripe_settings()}
        return json.dumps({name: {f.name: getattr(value, f.name) for f in dataclasses.fields(value)
                                  if isinstance(getattr(value, f.name), str | int | float | bool | None)}
                           for name, value in built.items()})

    @classmethod
    def decode(cls, text: str) -> SharedFakes:
        fields = json.loads(text)
        return cls({name: kind(**fields[name]) for name, kind in FAKE_GATEWAYS.items()})


@contextlib.contextmanager
def shared_fake_providers(settings: Settings) -> Iterator[dict[str, str]]:
    """With AGORA_PAYMENTS=fake, starts the fake providers in this process and yields the environment that
    points other processes' gateways at them (empty otherwise)."""
    if settings.payments_mode != "fake" or os.environ.get(SHARED_FAKES_ENV):
        yield {}
        return
    local = _fake_providers(settings).start()
    try:
        yield {SHARED_FAKES_ENV: SharedFakes.encode(local)}
    finally:
        local.stop()


@dataclass(frozen=True)
class PurposeOwnerTypes:
    """The purpose owners the contexts declare (entrypoints/contexts), each resolved from the container."""

    types: tuple[type[PurposeOwner], ...] = ()


class PaymentsProvider(Provider):
    owner_types = from_context(PurposeOwnerTypes, scope=Scope.APP)

    @provide(scope=Scope.APP)
    def config(self, settings: Settings) -> PaymentsConfig:
        return PaymentsConfig(
            callback_urls=callback_urls(settings),
            return_url=settings.payments_return_url or return_page(settings, "return"),
            cancel_url=settings.payments_cancel_url or return_page(settings, "cancel"),
            commission=CommissionPolicy(default_ticket_rate_bps=settings.ticket_commission_bps),
            reconcile_after=timedelta(seconds=settings.reconcile_after_seconds),
            give_up_after=timedelta(seconds=settings.reconcile_give_up_seconds))

    @provide(scope=Scope.APP)
    async def local_providers(self, settings: Settings) -> AsyncIterator[LocalProviders | SharedFakes | None]:
        """With AGORA_PAYMENTS=fake, the four providers on 127.0.0.1: those another process started and
        handed over (AGORA_PAYMENTS_SHARED_FAKES), or else this process's own."""
        if settings.payments_mode != "fake":
            yield None
            return
        if shared := os.environ.get(SHARED_FAKES_ENV):
            yield SharedFakes.decode(shared)
            return
        providers = _fake_providers(settings).start()
        yield providers
        providers.stop()

    @provide(scope=Scope.APP)
    async def gateways(self, settings: Settings, local: LocalProviders | SharedFakes | None
                       ) -> AsyncIterator[Gateways]:
        env = settings.payment_env
        built: list[PaymentGateway]
        if local is not None:
            built = [MtnGateway(local.mtn_settings()), OrangeGateway(local.orange_settings()),
                     FedapayGateway(local.fedapay_settings()), StripeGateway(local.stripe_settings())]
        else:
            built = [MtnGateway(settings_from_env(MtnSettings, "MTN", env)),
                     OrangeGateway(settings_from_env(OrangeSettings, "ORANGE", env)),
                     FedapayGateway(settings_from_env(FedapaySettings, "FEDAPAY", env)),
                     StripeGateway(settings_from_env(StripeSettings, "STRIPE", env))]
        yield GatewayRegistry(built)
        for gateway in built:
            await gateway.aclose()  # type: ignore[attr-defined]

    @provide(scope=Scope.REQUEST)
    async def purposes(self, settings: Settings, owner_types: PurposeOwnerTypes,
                       container: AsyncContainer) -> PaymentPurposes:
        """Each context that sells registers its owner in its declaration. In fake mode, kinds nobody owns
        yet get a demo offer, so that a purchase can be clicked through locally."""
        registry = PurposeRegistry([await container.get(owner) for owner in owner_types.types])
        if settings.payments_mode == "fake":
            for offer in DEMO_OFFERS:
                if not registry.knows(offer.kind):
                    registry.register(offer)
        return registry

    phones = provide(PhonenumbersNormalizer, scope=Scope.APP, provides=PayerPhones)


class PaymentsPersistence(Provider):
    scope = Scope.REQUEST

    payments = provide(sql.SqlPaymentRepository, provides=PaymentRepository)
    attempts = provide(sql.SqlAttemptRepository, provides=AttemptRepository)
    refunds = provide(sql.SqlRefundRepository, provides=RefundRepository)
    commissions = provide(sql.SqlCommissionRepository, provides=CommissionRepository)
    ledger = provide(sql.SqlLedger, provides=Ledger)
    processed = provide(sql.SqlProcessedCallbacks, provides=ProcessedCallbacks)


class PaymentReadSide(Provider):
    """The payment screens read for the app: no request scope to build."""

    scope = Scope.APP

    reads = provide(SqlPaymentReads, provides=PaymentReads)
    queries = provide(queries.PaymentQueries)


class PaymentUseCases(Provider):
    scope = Scope.REQUEST

    use_cases = provide_all(
        settlement.Settlement, charges.SubmitAttempt, charges.RefreshFromProvider, charges.InitiatePayment,
        charges.VerifyPayment, charges.CancelPayment, charges.RetryPayment, callbacks.HandleCallback,
        refunds.RequestRefund, refunds.DecideRefund, refunds.FinishRefund, refunds.ExecuteRefund,
        refunds.CompleteRefund, reconcile.ReconcilePayments, outcomes.DispatchPaymentOutcome,
    )
