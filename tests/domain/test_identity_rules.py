"""Identity rules, without any I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.identity.model import (
    CodePurpose,
    OneTimeCode,
    Realm,
    RefreshSession,
    TwoFactorMethod,
    User,
)
from domain.identity.policies import LockoutPolicy, PasswordPolicy, email_problem, remaining_minutes
from domain.shared.errors import InvalidInput

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def a_user(**changes: object) -> User:
    values: dict[str, object] = {"realm": Realm.EEBC, "username": "john.doe", "email": "john@example.com",
                                 "password_hash": "x", "created_at": NOW}
    values.update(changes)
    return User(**values)  # type: ignore[arg-type]


@given(max_failures=st.integers(1, 10), failures=st.integers(0, 30), minutes=st.integers(1, 120))
def test_an_account_locks_exactly_on_the_nth_consecutive_failure(max_failures: int, failures: int,
                                                                 minutes: int) -> None:
    policy = LockoutPolicy(max_failures=max_failures, lock_for=timedelta(minutes=minutes))
    user = a_user()
    locked_at = None
    for attempt in range(1, failures + 1):
        if user.is_locked(NOW):
            break
        if user.record_failed_login(policy, NOW):
            locked_at = attempt
    if failures >= max_failures:
        assert locked_at == max_failures
        assert user.is_locked(NOW)
        assert not user.is_locked(NOW + timedelta(minutes=minutes))
    else:
        assert locked_at is None
        assert not user.is_locked(NOW)


def test_a_successful_login_resets_the_failure_count() -> None:
    user = a_user(failed_logins=4)
    user.record_login(NOW)
    assert user.failed_logins == 0
    assert user.last_login == NOW
    assert not user.record_failed_login(LockoutPolicy(), NOW)


@given(seconds=st.integers(1, 24 * 3600))
def test_remaining_minutes_round_up_and_never_reach_zero_while_locked(seconds: int) -> None:
    minutes = remaining_minutes(NOW + timedelta(seconds=seconds), NOW)
    assert minutes >= 1
    assert (minutes - 1) * 60 < seconds <= minutes * 60


@given(ttl=st.integers(1, 10_000), elapsed=st.integers(0, 20_000), attempts=st.integers(0, 10),
       max_attempts=st.integers(1, 10), consumed=st.booleans())
def test_a_code_is_live_only_unexpired_unused_and_under_its_try_limit(
        ttl: int, elapsed: int, attempts: int, max_attempts: int, consumed: bool) -> None:
    code = OneTimeCode(id="c", user_id=1, purpose=CodePurpose.EMAIL_VERIFICATION, digest="d", created_at=NOW,
                       expires_at=NOW + timedelta(seconds=ttl), max_attempts=max_attempts, attempts=attempts,
                       consumed_at=NOW if consumed else None)
    live = code.is_live(NOW + timedelta(seconds=elapsed))
    assert live == (elapsed < ttl and attempts < max_attempts and not consumed)
    assert code.attempts_left == max(0, max_attempts - attempts)


@given(lifetime=st.integers(1, 10_000), elapsed=st.integers(0, 20_000), revoked=st.booleans())
def test_a_refresh_token_is_usable_until_it_expires_or_is_revoked(lifetime: int, elapsed: int,
                                                                  revoked: bool) -> None:
    session = RefreshSession(jti="a", family_id="f", user_id=1, realm=Realm.MAIRIE, issued_at=NOW,
                             expires_at=NOW + timedelta(seconds=lifetime), revoked_at=NOW if revoked else None)
    assert session.is_usable(NOW + timedelta(seconds=elapsed)) == (elapsed < lifetime and not revoked)


def test_a_totp_step_is_accepted_once_and_never_an_older_one() -> None:
    user = a_user()
    assert user.accept_totp_step(100)
    assert not user.accept_totp_step(100)
    assert not user.accept_totp_step(99)
    assert user.accept_totp_step(101)


def test_a_backup_code_works_once() -> None:
    user = a_user(backup_code_hashes=["h1", "h2"])
    assert user.use_backup_code("h1")
    assert not user.use_backup_code("h1")
    assert user.backup_code_hashes == ["h2"]


def test_two_factor_by_sms_needs_a_phone_and_cannot_start_twice() -> None:
    with pytest.raises(InvalidInput):
        a_user(phone=None).begin_two_factor(TwoFactorMethod.SMS)
    user = a_user()
    user.begin_two_factor(TwoFactorMethod.TOTP, totp_secret="S")
    user.enable_two_factor()
    with pytest.raises(InvalidInput):
        user.begin_two_factor(TwoFactorMethod.EMAIL)


def test_enabling_two_factor_needs_a_setup_first() -> None:
    with pytest.raises(InvalidInput):
        a_user().enable_two_factor()


@pytest.mark.parametrize(("password", "ok"), [("short", False), ("12345678901", False), ("john@example.com", False),
                                               ("correct horse", True)])
def test_password_policy(password: str, ok: bool) -> None:
    problems = PasswordPolicy().problems(password, personal=("john@example.com", "john.doe"))
    assert (problems == []) is ok


@pytest.mark.parametrize(("email", "ok"), [("a@b.fr", True), ("nope", False), ("a b@c.fr", False),
                                            ("a@b", False)])
def test_email_shape(email: str, ok: bool) -> None:
    assert (email_problem(email) is None) is ok
