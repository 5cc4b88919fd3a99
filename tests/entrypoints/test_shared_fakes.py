"""`agora serve` runs the fake payment providers once, in its parent, and hands their gateway settings to
its children through the environment: a child's gateways must point at exactly those fakes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.payments.fakes.local import LocalProviders
from entrypoints.di.payments import SHARED_FAKES_ENV, SharedFakes, shared_fake_providers
from entrypoints.settings import Settings


@pytest.fixture(scope="module")
def local() -> Iterator[LocalProviders]:
    providers = LocalProviders(moov_webhook="http://127.0.0.1:1/moov", stripe_webhook="http://127.0.0.1:1/stripe")
    providers.start()
    yield providers
    providers.stop()


def test_a_child_gets_the_gateway_settings_of_the_parents_fakes(local: LocalProviders) -> None:
    shared = SharedFakes.decode(SharedFakes.encode(local))
    assert shared.mtn_settings() == local.mtn_settings()
    assert shared.orange_settings() == local.orange_settings()
    assert shared.fedapay_settings() == local.fedapay_settings()
    assert shared.stripe_settings() == local.stripe_settings()


def test_the_parent_starts_fakes_only_in_fake_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SHARED_FAKES_ENV, raising=False)
    with shared_fake_providers(Settings(payments_mode="live")) as env:
        assert env == {}
    with shared_fake_providers(Settings(payments_mode="fake")) as env:
        shared = SharedFakes.decode(env[SHARED_FAKES_ENV])
        assert shared.mtn_settings().base_url.startswith("http://127.0.0.1:")
        assert shared.mtn_settings().configured
