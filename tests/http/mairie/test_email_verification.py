"""POST /api/v1/auth/email/verify/send/ and /confirm/ (spec 1.5, 1.6)."""

from __future__ import annotations

from application.identity.ports import UserRepository
from application.shared.ports import UnitOfWork
from domain.identity.model import Realm
from tests.http.conftest import Api
from tests.http.mairie.helpers import API, account, bearer, emailed_code, error, mayor, user_in_db

SEND = f"{API}/auth/email/verify/send/"
CONFIRM = f"{API}/auth/email/verify/confirm/"


async def test_code_from_the_email_verifies_the_address(api: Api) -> None:
    tokens = await mayor(api)

    sent = await api.client.post(SEND, json={"email": "maire@paris1.fr"})

    assert sent.status_code == 200, sent.text
    assert sent.json() == {"message": "Code OTP envoyé par email", "expires_in": 600}
    code = await emailed_code(api, "maire@paris1.fr")
    confirmed = await api.client.post(CONFIRM, json={"email": "maire@paris1.fr", "otp_code": code})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json() == {"message": "Email vérifié avec succès", "is_verified": True}
    me = await api.client.get(f"{API}/auth/profile/", headers=bearer(tokens["access_token"]))
    assert me.json()["is_verified"] is True


async def test_unknown_address_gets_the_same_answer_and_no_email(api: Api) -> None:
    await mayor(api)
    known = await api.client.post(SEND, json={"email": "maire@paris1.fr"})

    unknown = await api.client.post(SEND, json={"email": "personne@paris1.fr"})

    assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())
    assert await api.last_email_to("personne@paris1.fr") is None


async def test_send_bad_input(api: Api) -> None:
    invalid = await api.client.post(SEND, json={"email": "pas-un-email"})
    missing = await api.client.post(SEND, json={})

    assert "email" in error(invalid, 422, "VALIDATION_ERROR")["details"]
    assert error(missing, 422, "VALIDATION_ERROR")["details"] == {"email": ["Ce champ est requis"]}
    assert api.mailbox.sent == [] and await api.run_jobs() == 0


async def test_wrong_code_verifies_nothing(api: Api) -> None:
    await mayor(api)
    await api.client.post(SEND, json={"email": "maire@paris1.fr"})
    code = await emailed_code(api, "maire@paris1.fr")
    wrong = "000000" if code != "000000" else "111111"

    response = await api.client.post(CONFIRM, json={"email": "maire@paris1.fr", "otp_code": wrong})

    details = error(response, 422, "VALIDATION_ERROR")["details"]
    assert details["otp_code"] == ["Code invalide ou expiré"]  # no count of tries left: it would tell a code is out
    stored = await user_in_db(api, "maire@paris1.fr")
    assert stored is not None and stored.email_verified is False


async def test_five_wrong_tries_kill_the_code(api: Api) -> None:
    await mayor(api)
    await api.client.post(SEND, json={"email": "maire@paris1.fr"})
    code = await emailed_code(api, "maire@paris1.fr")
    wrong = "000000" if code != "000000" else "111111"
    answers = [await api.client.post(CONFIRM, json={"email": "maire@paris1.fr", "otp_code": wrong})
               for _ in range(5)]

    right = await api.client.post(CONFIRM, json={"email": "maire@paris1.fr", "otp_code": code})

    assert [r.status_code for r in answers] == [422] * 5
    assert "otp_code" in error(right, 422, "VALIDATION_ERROR")["details"]
    stored = await user_in_db(api, "maire@paris1.fr")
    assert stored is not None and stored.email_verified is False


async def test_a_new_code_replaces_the_old_one(api: Api) -> None:
    await mayor(api)
    await api.client.post(SEND, json={"email": "maire@paris1.fr"})
    old = await emailed_code(api, "maire@paris1.fr")
    await api.client.post(SEND, json={"email": "maire@paris1.fr"})
    new = await emailed_code(api, "maire@paris1.fr")

    stale = await api.client.post(CONFIRM, json={"email": "maire@paris1.fr", "otp_code": old})
    fresh = await api.client.post(CONFIRM, json={"email": "maire@paris1.fr", "otp_code": new})

    if old != new:
        error(stale, 422, "VALIDATION_ERROR")
    assert fresh.status_code == 200, fresh.text


async def test_confirm_bad_input(api: Api) -> None:
    await mayor(api)

    missing = await api.client.post(CONFIRM, json={"email": "maire@paris1.fr"})
    no_code_sent = await api.client.post(CONFIRM, json={"email": "maire@paris1.fr", "otp_code": "123456"})
    unknown = await api.client.post(CONFIRM, json={"email": "personne@paris1.fr", "otp_code": "123456"})

    assert error(missing, 422, "VALIDATION_ERROR")["details"] == {"otp_code": ["Ce champ est requis"]}
    assert "otp_code" in error(no_code_sent, 422, "VALIDATION_ERROR")["details"]
    assert error(unknown, 422, "VALIDATION_ERROR") == error(no_code_sent, 422, "VALIDATION_ERROR")
    stored = await user_in_db(api, "maire@paris1.fr")
    assert stored is not None and stored.email_verified is False


async def test_a_wrong_code_answers_the_same_for_verified_unverified_and_unknown_addresses(api: Api) -> None:
    await mayor(api)
    await account(api, "verifie@paris1.fr")
    await api.client.post(SEND, json={"email": "verifie@paris1.fr"})
    code = await emailed_code(api, "verifie@paris1.fr")
    assert (await api.client.post(CONFIRM, json={"email": "verifie@paris1.fr", "otp_code": code})).status_code == 200
    await api.client.post(SEND, json={"email": "maire@paris1.fr"})
    pending = await emailed_code(api, "maire@paris1.fr")
    wrong = next(c for c in ("000000", "111111", "222222") if c not in (code, pending))

    answers = [await api.client.post(CONFIRM, json={"email": email, "otp_code": wrong})
               for email in ("verifie@paris1.fr", "maire@paris1.fr", "personne@paris1.fr")]

    assert [error(a, 422, "VALIDATION_ERROR") for a in answers] == [
        {"code": "VALIDATION_ERROR", "message": "Code invalide ou expiré",
         "details": {"otp_code": ["Code invalide ou expiré"]}}] * 3
    stored = await user_in_db(api, "maire@paris1.fr")
    assert stored is not None and stored.email_verified is False


async def test_the_right_code_for_an_address_verified_meanwhile_is_a_success_that_changes_nothing(api: Api) -> None:
    await mayor(api)
    await api.client.post(SEND, json={"email": "maire@paris1.fr"})
    code = await emailed_code(api, "maire@paris1.fr")
    async with api.container() as request:
        users = await request.get(UserRepository)
        user = await users.by_email(Realm.MAIRIE, "maire@paris1.fr")
        assert user is not None
        user.email_verified = True
        await users.save(user)
        await (await request.get(UnitOfWork)).commit()

    response = await api.client.post(CONFIRM, json={"email": "maire@paris1.fr", "otp_code": code})

    assert response.status_code == 200, response.text
    assert response.json() == {"message": "Email vérifié avec succès", "is_verified": True}
