"""The text of identity emails and SMS."""

from __future__ import annotations

from application.identity.config import APP_NAMES
from application.shared.ports import EmailMessage
from domain.identity.model import Realm, User


def welcome(user: User) -> EmailMessage:
    app = APP_NAMES[user.realm]
    return EmailMessage(
        to=user.email,
        subject=f"Bienvenue sur {app}",
        text=f"Bonjour {user.first_name or user.username},\n\nVotre compte {app} est créé.\n",
    )


def password_reset(user: User, link: str, token: str, minutes: int) -> EmailMessage:
    app = APP_NAMES[user.realm]
    return EmailMessage(
        to=user.email,
        subject=f"{app} : réinitialisation de votre mot de passe",
        text=(
            f"Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable {minutes} minutes) :\n"
            f"{link}\n\nCode de réinitialisation : {token}\n\n"
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n"
        ),
    )


def one_time_code(realm: Realm, to: str, code: str, minutes: int, purpose: str) -> EmailMessage:
    app = APP_NAMES[realm]
    return EmailMessage(
        to=to,
        subject=f"{app} : votre code {purpose}",
        text=f"Votre code {purpose} est {code}. Il est valable {minutes} minutes.\n",
    )


def sms_code(realm: Realm, code: str, minutes: int) -> str:
    return f"{APP_NAMES[realm]} : votre code est {code} (valable {minutes} min)."
