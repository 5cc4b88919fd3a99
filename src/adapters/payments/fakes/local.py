"""The four fake providers together, for `AGORA_PAYMENTS=fake`: a whole payment runs locally."""

from __future__ import annotations

from adapters.payments.fakes.fedapay import FakeFedapay
from adapters.payments.fakes.mtn import FakeMtn
from adapters.payments.fakes.orange import FakeOrange
from adapters.payments.fakes.stripe import FakeStripe
from adapters.payments.fedapay import FedapaySettings
from adapters.payments.mtn import MtnSettings
from adapters.payments.orange import OrangeSettings
from adapters.payments.stripe import StripeSettings


class LocalProviders:
    """MTN answers like its sandbox (test numbers, 30 s "pending then successful"), with XOF accepted;
    Orange, FedaPay and Stripe redirect the payer to a local page with "Payer" / "Refuser" buttons."""

    def __init__(self, *, moov_webhook: str, stripe_webhook: str, settle_after: float = 10.0) -> None:
        self.mtn = FakeMtn(target_environment="mtnbenin", currency="XOF", settle_after=settle_after)
        self.orange = FakeOrange(currency="XOF", settle_after=settle_after)
        self.fedapay = FakeFedapay(webhook_url=moov_webhook, settle_after=settle_after)
        self.stripe = FakeStripe(webhook_url=stripe_webhook, settle_after=settle_after)

    def start(self) -> LocalProviders:
        for fake in (self.mtn, self.orange, self.fedapay, self.stripe):
            fake.start()
        return self

    def stop(self) -> None:
        for fake in (self.mtn, self.orange, self.fedapay, self.stripe):
            fake.stop()

    def mtn_settings(self) -> MtnSettings:
        return self.mtn.settings()

    def orange_settings(self) -> OrangeSettings:
        return OrangeSettings(client_id=self.orange.client_id, client_secret=self.orange.client_secret,
                              merchant_key=self.orange.merchant_key, token_url=f"{self.orange.url}/oauth/v3/token",
                              api_base_url=self.orange.url, country_path=self.orange.country_path,
                              currency=self.orange.currency)

    def fedapay_settings(self) -> FedapaySettings:
        return FedapaySettings(secret_key=self.fedapay.secret_key, webhook_secret=self.fedapay.webhook_secret,
                               base_url=self.fedapay.url)

    def stripe_settings(self) -> StripeSettings:
        return StripeSettings(secret_key=self.stripe.secret_key, webhook_secret=self.stripe.webhook_secret,
                              base_url=self.stripe.url)
