"""Identity use cases on the memory adapters."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest

from application.identity.ports import SocialProfile
from application.identity.services import (
    ChangePasswordCommand,
    IssuedTokens,
    LogInCommand,
    RegisterCommand,
    ResetPasswordCommand,
    SecondStepCommand,
    SocialLoginCommand,
    TwoFactorChallenge,
)
from domain.identity.errors import (
    AccountLocked,
    EmailTaken,
    InvalidCode,
    InvalidCredentials,
    InvalidToken,
    LastLoginMethod,
    RoleNotAllowed,
)
from domain.identity.model import LoginOutcome, Realm, SocialProvider, TwoFactorMethod, User
from domain.shared.errors import InvalidInput, TooManyRequests
from tests.application.world import World

PASSWORD = "Sup3r-secret!"


async def spotvibe_user(world: World, name: str = "awa", **changes: object) -> User:
    values: dict[str, object] = {"realm": Realm.SPOTVIBE, "email": f"{name}@example.com", "password": PASSWORD,
                                 "username": name}
    values.update(changes)
    return await world.register(RegisterCommand(**values))  # type: ignore[arg-type]


async def log_in(world: World, email: str, password: str = PASSWORD, realm: Realm = Realm.SPOTVIBE
                 ) -> IssuedTokens | TwoFactorChallenge:
    return await world.login(LogInCommand(realm=realm, identifier=email, password=password, ip_address="10.0.0.1"))


async def tokens(world: World, email: str, realm: Realm = Realm.SPOTVIBE) -> IssuedTokens:
    result = await log_in(world, email, realm=realm)
    assert isinstance(result, IssuedTokens)
    return result


# registration -------------------------------------------------------------------------------------------


async def test_registration_stores_a_hashed_password_and_queues_a_welcome_email() -> None:
    world = World()
    user = await spotvibe_user(world, phone=None)
    stored = await world.users.get(user.id or 0)
    assert stored is not None and stored.password_hash != PASSWORD
    assert await world.hasher.verify(stored.password_hash or "", PASSWORD)
    welcome = await world.last_email("awa@example.com")
    assert welcome is not None and "Bienvenue" in welcome.subject


async def test_registration_reports_every_bad_field_and_writes_nothing() -> None:
    world = World()
    with pytest.raises(InvalidInput) as caught:
        await world.register(RegisterCommand(realm=Realm.SPOTVIBE, email="nope", password="123", username="x",
                                             phone="12"))
    assert set(caught.value.details) == {"email", "password", "username", "phone"}
    assert world.store.table("users") == {}
    assert world.outbox.messages() == []


async def test_the_same_email_may_live_in_two_realms_but_not_twice_in_one() -> None:
    world = World()
    await spotvibe_user(world)
    await world.register(RegisterCommand(realm=Realm.MAIRIE, email="awa@example.com", password=PASSWORD,
                                         role="mayor", municipality_code="75001"))
    with pytest.raises(EmailTaken):
        await spotvibe_user(world, username="other", email="AWA@example.com")


async def test_a_new_town_is_founded_by_its_mayor_and_staff_is_added_by_the_mayor_only() -> None:
    world = World()
    mayor = await world.register(RegisterCommand(realm=Realm.MAIRIE, email="maire@ville.fr", password=PASSWORD,
                                                 role="mayor", municipality_code="75001"))
    assert mayor.municipality_id is not None
    citizen = await world.register(RegisterCommand(realm=Realm.MAIRIE, email="c@ville.fr", password=PASSWORD,
                                                   role="citizen", municipality_code="75001"))
    assert citizen.municipality_id == mayor.municipality_id
    for actor in (None, citizen.as_actor()):
        with pytest.raises(RoleNotAllowed):
            await world.register(RegisterCommand(realm=Realm.MAIRIE, email="m@ville.fr", password=PASSWORD,
                                                 role="moderator", municipality_code="75001", actor=actor))
    moderator = await world.register(RegisterCommand(realm=Realm.MAIRIE, email="m@ville.fr", password=PASSWORD,
                                                     role="moderator", municipality_code="75001",
                                                     actor=mayor.as_actor()))
    assert moderator.role == "moderator"


async def test_a_mayor_of_another_town_cannot_add_staff_here() -> None:
    world = World()
    await world.register(RegisterCommand(realm=Realm.MAIRIE, email="a@a.fr", password=PASSWORD, role="mayor",
                                         municipality_code="75001"))
    other = await world.register(RegisterCommand(realm=Realm.MAIRIE, email="b@b.fr", password=PASSWORD,
                                                 role="mayor", municipality_code="69001"))
    with pytest.raises(RoleNotAllowed):
        await world.register(RegisterCommand(realm=Realm.MAIRIE, email="x@a.fr", password=PASSWORD, role="admin",
                                             municipality_code="75001", actor=other.as_actor()))


async def test_a_citizen_cannot_join_a_town_nobody_founded() -> None:
    world = World()
    with pytest.raises(InvalidInput) as caught:
        await world.register(RegisterCommand(realm=Realm.MAIRIE, email="c@c.fr", password=PASSWORD,
                                             role="citizen", municipality_code="13001"))
    assert "municipality_code" in caught.value.details
    assert world.store.table("municipalities") == {}


# login and lockout --------------------------------------------------------------------------------------


async def test_login_by_email_or_username_records_the_attempt() -> None:
    world = World()
    user = await spotvibe_user(world)
    by_email = await tokens(world, "AWA@example.com")
    by_name = await tokens(world, "awa")
    assert by_email.user.id == by_name.user.id == user.id
    attempts = await world.queries.login_attempts(user.id or 0)
    assert [a.outcome for a in attempts] == [LoginOutcome.SUCCEEDED, LoginOutcome.SUCCEEDED]
    assert attempts[0].ip_address == "10.0.0.1"


async def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes() -> None:
    world = World()
    user = await spotvibe_user(world)
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            await log_in(world, "awa@example.com", "wrong-password")
    with pytest.raises(AccountLocked) as caught:
        await log_in(world, "awa@example.com", "wrong-password")
    assert caught.value.remaining_minutes == 15
    world.clock.advance(minutes=5)
    with pytest.raises(AccountLocked) as caught:
        await log_in(world, "awa@example.com")
    assert caught.value.remaining_minutes == 10
    world.clock.advance(minutes=10)
    assert isinstance(await log_in(world, "awa@example.com"), IssuedTokens)
    outcomes = [a.outcome for a in await world.queries.login_attempts(user.id or 0)]
    assert outcomes.count(LoginOutcome.BLOCKED) == 2 and outcomes.count(LoginOutcome.FAILED) == 4


async def test_an_unknown_account_fails_like_a_wrong_password() -> None:
    world = World()
    with pytest.raises(InvalidCredentials):
        await log_in(world, "ghost@example.com")


async def test_logins_are_rate_limited_per_identifier() -> None:
    world = World()
    await spotvibe_user(world)
    with pytest.raises(TooManyRequests):
        for _ in range(world.config.login_limit_per_minute + 1):
            try:
                await log_in(world, "nobody@example.com", "x")
            except InvalidCredentials:
                pass


# tokens -------------------------------------------------------------------------------------------------


async def test_refresh_rotates_and_a_reused_token_burns_the_family() -> None:
    world = World()
    await spotvibe_user(world)
    first = await tokens(world, "awa@example.com")
    second = await world.refresh(Realm.SPOTVIBE, first.refresh)
    assert second.refresh != first.refresh
    third = await world.refresh(Realm.SPOTVIBE, second.refresh)
    with pytest.raises(InvalidToken):
        await world.refresh(Realm.SPOTVIBE, first.refresh)
    with pytest.raises(InvalidToken):
        await world.refresh(Realm.SPOTVIBE, third.refresh)
    with pytest.raises(InvalidToken):
        await world.authenticate(Realm.SPOTVIBE, third.access)


async def test_a_token_of_one_realm_is_refused_by_another() -> None:
    world = World()
    await spotvibe_user(world)
    issued = await tokens(world, "awa@example.com")
    assert (await world.authenticate(Realm.SPOTVIBE, issued.access)).user.email == "awa@example.com"
    for realm in (Realm.MAIRIE, Realm.EEBC):
        with pytest.raises(InvalidToken):
            await world.authenticate(realm, issued.access)
        with pytest.raises(InvalidToken):
            await world.refresh(realm, issued.refresh)


async def test_an_access_token_expires_after_its_lifetime() -> None:
    world = World()
    await spotvibe_user(world)
    issued = await tokens(world, "awa@example.com")
    assert issued.expires_in == 3600
    world.clock.advance(seconds=3599)
    assert (await world.authenticate(Realm.SPOTVIBE, issued.access)).user.username == "awa"
    world.clock.advance(seconds=1)
    with pytest.raises(InvalidToken):
        await world.authenticate(Realm.SPOTVIBE, issued.access)
    assert isinstance(await world.refresh(Realm.SPOTVIBE, issued.refresh), IssuedTokens)


async def test_logout_revokes_the_session_and_its_access_token() -> None:
    world = World()
    await spotvibe_user(world)
    issued = await tokens(world, "awa@example.com")
    other = await tokens(world, "awa@example.com")
    await world.logout.with_refresh_token(Realm.SPOTVIBE, issued.refresh)
    with pytest.raises(InvalidToken):
        await world.authenticate(Realm.SPOTVIBE, issued.access)
    with pytest.raises(InvalidToken):
        await world.refresh(Realm.SPOTVIBE, issued.refresh)
    assert (await world.authenticate(Realm.SPOTVIBE, other.access)).user.username == "awa"


# passwords ----------------------------------------------------------------------------------------------


async def test_changing_the_password_closes_the_other_sessions_only() -> None:
    world = World()
    user = await spotvibe_user(world)
    here = await tokens(world, "awa@example.com")
    elsewhere = await tokens(world, "awa@example.com")
    await world.change_password(ChangePasswordCommand(user_id=user.id or 0, session_id=here.session_id,
                                                      old_password=PASSWORD, new_password="N3w-password!",
                                                      confirm_password="N3w-password!"))
    assert (await world.authenticate(Realm.SPOTVIBE, here.access)).user.id == user.id
    with pytest.raises(InvalidToken):
        await world.authenticate(Realm.SPOTVIBE, elsewhere.access)
    with pytest.raises(InvalidCredentials):
        await log_in(world, "awa@example.com")
    assert isinstance(await log_in(world, "awa@example.com", "N3w-password!"), IssuedTokens)


async def test_changing_the_password_with_reissue_returns_fresh_tokens_and_clears_the_flag() -> None:
    world = World()
    user = await world.register(RegisterCommand(realm=Realm.EEBC, email="j@eebc.org", username="john.doe",
                                                password=PASSWORD, site_code="CAB", must_change_password=True),
                                administrative=True)
    here = await tokens(world, "john.doe", realm=Realm.EEBC)
    fresh = await world.change_password(ChangePasswordCommand(
        user_id=user.id or 0, session_id=here.session_id, old_password=PASSWORD, new_password="N3w-password!",
        confirm_password="N3w-password!"), reissue=True)
    assert fresh is not None
    with pytest.raises(InvalidToken):
        await world.authenticate(Realm.EEBC, here.access)
    principal = await world.authenticate(Realm.EEBC, fresh.access)
    assert principal.user.must_change_password is False


async def test_a_wrong_old_password_changes_nothing() -> None:
    world = World()
    user = await spotvibe_user(world)
    here = await tokens(world, "awa@example.com")
    with pytest.raises(InvalidInput) as caught:
        await world.change_password(ChangePasswordCommand(user_id=user.id or 0, session_id=here.session_id,
                                                          old_password="nope", new_password="N3w-password!",
                                                          confirm_password="other"))
    assert set(caught.value.details) == {"old_password", "confirm_password"}
    assert isinstance(await log_in(world, "awa@example.com"), IssuedTokens)


async def test_password_reset_is_silent_about_unknown_emails_single_use_and_expiring() -> None:
    world = World()
    await spotvibe_user(world)
    await world.request_reset(Realm.SPOTVIBE, "ghost@example.com", "1.1.1.1")
    await world.request_reset(Realm.SPOTVIBE, "awa@example.com", "1.1.1.1")
    mail = await world.last_email("awa@example.com")
    assert mail is not None and "réinitialisation" in mail.subject
    assert [m.to for m in world.emails.sent if "réinitialisation" in m.subject] == ["awa@example.com"]
    token = re.search(r"Code de réinitialisation : (\S+)", mail.text).group(1)  # type: ignore[union-attr]
    stored = list(world.store.table("one_time_codes").values())
    assert all(token not in c.digest for c in stored)
    with pytest.raises(InvalidCode):
        await world.reset_password(ResetPasswordCommand(realm=Realm.MAIRIE, token=token,
                                                        new_password="N3w-password!", confirm_password=None))
    await world.reset_password(ResetPasswordCommand(realm=Realm.SPOTVIBE, token=token,
                                                    new_password="N3w-password!", confirm_password="N3w-password!"))
    with pytest.raises(InvalidCode):
        await world.reset_password(ResetPasswordCommand(realm=Realm.SPOTVIBE, token=token,
                                                        new_password="An0ther-one!", confirm_password=None))
    assert isinstance(await log_in(world, "awa@example.com", "N3w-password!"), IssuedTokens)

    await world.request_reset(Realm.SPOTVIBE, "awa@example.com", "1.1.1.1")
    late = re.search(r"Code de réinitialisation : (\S+)", (await world.last_email("awa@example.com")).text)
    world.clock.advance(hours=1, seconds=1)
    with pytest.raises(InvalidCode):
        await world.reset_password(ResetPasswordCommand(realm=Realm.SPOTVIBE, token=late.group(1),  # type: ignore[union-attr]
                                                        new_password="An0ther-one!", confirm_password=None))


async def test_reset_unlocks_a_locked_account() -> None:
    world = World()
    await spotvibe_user(world)
    for _ in range(5):
        with pytest.raises((InvalidCredentials, AccountLocked)):
            await log_in(world, "awa@example.com", "bad-password")
    await world.request_reset(Realm.SPOTVIBE, "awa@example.com", None)
    mail = await world.last_email("awa@example.com")
    token = re.search(r"Code de réinitialisation : (\S+)", mail.text).group(1)  # type: ignore[union-attr]
    await world.reset_password(ResetPasswordCommand(realm=Realm.SPOTVIBE, token=token,
                                                    new_password="N3w-password!", confirm_password=None))
    assert isinstance(await log_in(world, "awa@example.com", "N3w-password!"), IssuedTokens)


# email verification -------------------------------------------------------------------------------------


async def mairie_mayor(world: World) -> User:
    return await world.register(RegisterCommand(realm=Realm.MAIRIE, email="maire@ville.fr", password=PASSWORD,
                                                role="mayor", municipality_code="75001"))


def code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)  # type: ignore[union-attr]


async def test_email_verification_accepts_the_code_once() -> None:
    world = World()
    await mairie_mayor(world)
    await world.send_verification(Realm.MAIRIE, "maire@ville.fr", None)
    code = code_in((await world.last_email("maire@ville.fr")).text)
    user = await world.confirm_email(Realm.MAIRIE, "maire@ville.fr", code, None)
    assert user.email_verified


async def test_email_verification_gives_up_after_five_wrong_codes() -> None:
    world = World()
    await mairie_mayor(world)
    await world.send_verification(Realm.MAIRIE, "maire@ville.fr", None)
    code = code_in((await world.last_email("maire@ville.fr")).text)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(InvalidCode) as caught:
            await world.confirm_email(Realm.MAIRIE, "maire@ville.fr", wrong, None)
        assert caught.value.message == "Code invalide ou expiré"  # the same as for an unknown address
    with pytest.raises(InvalidCode):
        await world.confirm_email(Realm.MAIRIE, "maire@ville.fr", code, None)
    assert not (await world.users.by_email(Realm.MAIRIE, "maire@ville.fr")).email_verified  # type: ignore[union-attr]


async def test_an_expired_verification_code_is_refused() -> None:
    world = World()
    await mairie_mayor(world)
    await world.send_verification(Realm.MAIRIE, "maire@ville.fr", None)
    code = code_in((await world.last_email("maire@ville.fr")).text)
    world.clock.advance(minutes=10, seconds=1)
    with pytest.raises(InvalidCode):
        await world.confirm_email(Realm.MAIRIE, "maire@ville.fr", code, None)


# two factors --------------------------------------------------------------------------------------------


async def test_totp_setup_then_login_needs_a_second_step() -> None:
    world = World()
    user = await spotvibe_user(world)
    setup = await world.setup_2fa(user.id or 0, TwoFactorMethod.TOTP)
    assert setup.secret and setup.qr_data_uri and setup.qr_data_uri.startswith("data:image/png;base64,")
    assert len(setup.backup_codes) == 8
    stored = await world.users.get(user.id or 0)
    assert stored is not None and stored.totp_secret and setup.secret not in stored.totp_secret
    totp = pyotp.TOTP(setup.secret)
    with pytest.raises(InvalidCode):
        await world.confirm_2fa(user.id or 0, "000000" if totp.at(world.clock.now()) != "000000" else "111111")
    await world.confirm_2fa(user.id or 0, totp.at(world.clock.now()))

    challenge = await log_in(world, "awa@example.com")
    assert isinstance(challenge, TwoFactorChallenge) and challenge.method is TwoFactorMethod.TOTP
    world.clock.advance(seconds=30)
    issued = await world.complete_login(SecondStepCommand(realm=Realm.SPOTVIBE, challenge=challenge.token,
                                                          code=totp.at(world.clock.now())))
    assert issued.user.id == user.id
    again = await log_in(world, "awa@example.com")
    assert isinstance(again, TwoFactorChallenge)
    with pytest.raises(InvalidCode):  # the same code twice is a replay
        await world.complete_login(SecondStepCommand(realm=Realm.SPOTVIBE, challenge=again.token,
                                                     code=totp.at(world.clock.now())))
    backup = await world.complete_login(SecondStepCommand(realm=Realm.SPOTVIBE, challenge=again.token,
                                                          code=setup.backup_codes[0]))
    assert backup.user.id == user.id


async def test_wrong_second_factor_codes_count_toward_the_lockout() -> None:
    world = World()
    user = await spotvibe_user(world)
    setup = await world.setup_2fa(user.id or 0, TwoFactorMethod.TOTP)
    totp = pyotp.TOTP(setup.secret)
    await world.confirm_2fa(user.id or 0, totp.at(world.clock.now()))
    wrong = "000000" if totp.at(world.clock.now()) != "000000" else "111111"
    with pytest.raises(InvalidCredentials):
        await log_in(world, "awa@example.com", "bad-password")
    for _ in range(3):
        challenge = await log_in(world, "awa@example.com")
        assert isinstance(challenge, TwoFactorChallenge)
        with pytest.raises(InvalidCode):
            await world.complete_login(SecondStepCommand(realm=Realm.SPOTVIBE, challenge=challenge.token,
                                                         code=wrong))
    challenge = await log_in(world, "awa@example.com")
    assert isinstance(challenge, TwoFactorChallenge)
    with pytest.raises(AccountLocked):
        await world.complete_login(SecondStepCommand(realm=Realm.SPOTVIBE, challenge=challenge.token, code=wrong))
    world.clock.advance(seconds=30)
    with pytest.raises(AccountLocked):
        await world.complete_login(SecondStepCommand(realm=Realm.SPOTVIBE, challenge=challenge.token,
                                                     code=totp.at(world.clock.now())))
    with pytest.raises(AccountLocked):
        await log_in(world, "awa@example.com")


async def test_email_second_factor_sends_a_code_at_login() -> None:
    world = World()
    user = await spotvibe_user(world)
    await world.setup_2fa(user.id or 0, TwoFactorMethod.EMAIL)
    await world.confirm_2fa(user.id or 0, code_in((await world.last_email("awa@example.com")).text))
    challenge = await log_in(world, "awa@example.com")
    assert isinstance(challenge, TwoFactorChallenge)
    code = code_in((await world.last_email("awa@example.com")).text)
    issued = await world.complete_login(SecondStepCommand(realm=Realm.SPOTVIBE, challenge=challenge.token,
                                                          code=code))
    assert issued.user.id == user.id


async def test_sms_second_factor_texts_the_phone() -> None:
    world = World()
    user = await spotvibe_user(world, phone="+2290197000000")
    await world.setup_2fa(user.id or 0, TwoFactorMethod.SMS)
    await world.deliver()
    assert world.sms.sent[-1].to == "+2290197000000"
    await world.confirm_2fa(user.id or 0, code_in(world.sms.sent[-1].text))
    assert (await world.users.get(user.id or 0)).two_factor_enabled  # type: ignore[union-attr]


async def test_a_challenge_of_one_realm_is_useless_in_another() -> None:
    world = World()
    user = await spotvibe_user(world)
    setup = await world.setup_2fa(user.id or 0, TwoFactorMethod.TOTP)
    await world.confirm_2fa(user.id or 0, pyotp.TOTP(setup.secret).at(world.clock.now()))
    challenge = await log_in(world, "awa@example.com")
    assert isinstance(challenge, TwoFactorChallenge)
    with pytest.raises(InvalidToken):
        await world.complete_login(SecondStepCommand(realm=Realm.MAIRIE, challenge=challenge.token, code="123456"))


# social login -------------------------------------------------------------------------------------------


def google(social_id: str = "g-1", email: str | None = "awa@example.com", verified: bool = True) -> SocialProfile:
    return SocialProfile(provider=SocialProvider.GOOGLE, social_id=social_id, email=email, email_verified=verified,
                         full_name="Awa Diallo", first_name="Awa", last_name="Diallo", photo_url=None)


async def test_social_login_creates_then_finds_the_account() -> None:
    world = World()
    world.social.register("tok", google())
    first = await world.social_login(SocialLoginCommand(realm=Realm.SPOTVIBE, provider=SocialProvider.GOOGLE,
                                                        token="tok"))
    second = await world.social_login(SocialLoginCommand(realm=Realm.SPOTVIBE, provider=SocialProvider.GOOGLE,
                                                         token="tok"))
    assert isinstance(first, IssuedTokens) and isinstance(second, IssuedTokens)
    assert first.user.id == second.user.id and first.user.password_hash is None
    assert first.user.username == "awa"


async def test_social_login_links_an_existing_account_with_the_same_verified_email() -> None:
    world = World()
    user = await spotvibe_user(world)
    world.social.register("tok", google())
    issued = await world.social_login(SocialLoginCommand(realm=Realm.SPOTVIBE, provider=SocialProvider.GOOGLE,
                                                         token="tok"))
    assert isinstance(issued, IssuedTokens) and issued.user.id == user.id
    assert [a.provider for a in await world.queries.social_accounts(user.id or 0)] == [SocialProvider.GOOGLE]


async def test_an_unverified_provider_email_does_not_take_over_an_account() -> None:
    world = World()
    await spotvibe_user(world)
    world.social.register("tok", google(verified=False))
    with pytest.raises(InvalidInput):
        await world.social_login(SocialLoginCommand(realm=Realm.SPOTVIBE, provider=SocialProvider.GOOGLE,
                                                    token="tok"))


async def test_the_last_way_to_log_in_cannot_be_disconnected() -> None:
    world = World()
    world.social.register("tok", google())
    issued = await world.social_login(SocialLoginCommand(realm=Realm.SPOTVIBE, provider=SocialProvider.GOOGLE,
                                                         token="tok"))
    assert isinstance(issued, IssuedTokens)
    with pytest.raises(LastLoginMethod):
        await world.disconnect(issued.user.id or 0, SocialProvider.GOOGLE)
    with pytest.raises(InvalidInput):
        await world.disconnect(issued.user.id or 0, SocialProvider.FACEBOOK)


async def test_a_linked_account_with_a_password_can_be_disconnected() -> None:
    world = World()
    user = await spotvibe_user(world)
    world.social.register("tok", google())
    await world.social_login(SocialLoginCommand(realm=Realm.SPOTVIBE, provider=SocialProvider.GOOGLE, token="tok"))
    await world.disconnect(user.id or 0, SocialProvider.GOOGLE)
    assert await world.queries.social_accounts(user.id or 0) == []


async def test_a_forged_social_token_is_refused() -> None:
    world = World()
    with pytest.raises(InvalidToken):
        await world.social_login(SocialLoginCommand(realm=Realm.SPOTVIBE, provider=SocialProvider.GOOGLE,
                                                    token="forged"))


def test_lifetimes_are_what_the_faces_announce() -> None:
    world = World()
    assert world.config.lifetimes.access == timedelta(hours=1)
    assert world.config.email_verification.ttl == timedelta(minutes=10)
