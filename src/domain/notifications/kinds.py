"""The kinds of notification the platform sends, with their French templates (Jinja sources).

A context that raises a new kind adds it here; `template_id`s are stable (bulk sends name them)."""

from __future__ import annotations

from datetime import timedelta

from domain.notifications.model import Channel, ChannelText, DigestRule, Kind

IN_APP, EMAIL, PUSH, SMS = Channel.IN_APP, Channel.EMAIL, Channel.PUSH, Channel.SMS


def _kind(code: str, template_id: int, name: str, title: str, body: str, channels: set[Channel], *,
          critical: bool = False, digest: DigestRule | None = None, action_link: str | None = None,
          email: ChannelText | None = None, sms: str | None = None) -> Kind:
    texts = {IN_APP: ChannelText(title, body)}
    if email is not None:
        texts[EMAIL] = email
    if sms is not None:
        texts[SMS] = ChannelText(title, sms)
    return Kind(code, template_id, name, texts, frozenset(channels), critical, digest, action_link)


WELCOME = _kind(
    "WELCOME", 1, "Message de bienvenue", "Bienvenue {{ first_name or username }} !",
    "Votre compte {{ app }} est prêt. Découvrez ce qui se passe près de chez vous.", {IN_APP, PUSH})
PASSWORD_CHANGED = _kind(
    "PASSWORD_CHANGED", 2, "Mot de passe modifié", "Votre mot de passe a été modifié",
    "Le mot de passe de votre compte {{ app }} a été modifié le {{ changed_at }}. Si ce n'est pas vous, "
    "réinitialisez-le tout de suite.", {IN_APP, EMAIL, PUSH}, critical=True,
    email=ChannelText("{{ app }} : votre mot de passe a été modifié",
                      "Bonjour,\n\nLe mot de passe de votre compte {{ app }} a été modifié le {{ changed_at }}.\n"
                      "Si vous n'êtes pas à l'origine de ce changement, réinitialisez votre mot de passe "
                      "et contactez-nous.\n"))
PAYMENT_SUCCEEDED = _kind(
    "PAYMENT_SUCCESS", 3, "Paiement réussi", "Paiement confirmé",
    "Votre paiement de {{ amount }} est confirmé.", {IN_APP, EMAIL, PUSH}, critical=True,
    action_link="/payments/{{ payment_uuid }}",
    email=ChannelText("{{ app }} : paiement confirmé",
                      "Bonjour,\n\nVotre paiement de {{ amount }} (référence {{ payment_uuid }}) est confirmé.\n"))
PAYMENT_FAILED = _kind(
    "PAYMENT_FAILED", 4, "Paiement échoué", "Paiement non abouti",
    "Votre paiement n'a pas abouti{% if reason %} ({{ reason }}){% endif %}. Vous n'avez pas été débité.",
    {IN_APP, PUSH}, critical=True, action_link="/payments/{{ payment_uuid }}")
REFUND_DECIDED = _kind(
    "REFUND", 5, "Remboursement", "Remboursement effectué",
    "{{ amount }} vous {% if fully %}ont été intégralement{% else %}ont été{% endif %} remboursés.",
    {IN_APP, EMAIL, PUSH}, critical=True, action_link="/payments/{{ payment_uuid }}",
    email=ChannelText("{{ app }} : remboursement effectué",
                      "Bonjour,\n\n{{ amount }} vous ont été remboursés (paiement {{ payment_uuid }}).\n"))
EVENT_REMINDER = _kind(
    "EVENT_REMINDER", 6, "Rappel d'événement", "Rappel : {{ title }}", "{{ title }} commence {{ when }}.",
    {IN_APP, PUSH, EMAIL}, action_link="{% if event_id %}/events/{{ event_id }}{% endif %}")
NEW_COMMENT = _kind(
    "NEW_COMMENT", 7, "Nouveau commentaire", "Nouveau commentaire",
    "{{ author }} a commenté « {{ subject }} ».", {IN_APP, PUSH},
    digest=DigestRule("nouveau commentaire", "nouveaux commentaires", timedelta(minutes=5), key="thread_id"))
NEW_MESSAGE = _kind(
    "NEW_MESSAGE", 8, "Nouveau message", "Nouveau message", "{{ author }} vous a envoyé un message",
    {IN_APP, PUSH, EMAIL},
    digest=DigestRule("nouveau message", "nouveaux messages", timedelta(minutes=2), key="conversation_id"))
ANNOUNCEMENT = _kind(
    "ANNOUNCEMENT", 9, "Annonce", "{{ title }}", "{{ message }}", {IN_APP, PUSH, EMAIL})
TEST = _kind(
    "TEST", 10, "Notification de test", "Notification de test",
    "Si vous lisez ceci, les notifications de {{ app }} fonctionnent.", {IN_APP, PUSH})
NEW_PUBLICATION = _kind(
    "NEW_PUBLICATION", 30, "Nouvelle publication de la mairie", "{{ title }}",
    "Votre mairie a publié « {{ title }} ».", {IN_APP, PUSH}, action_link="/publications/{{ publication_id }}")
AGENDA_REMINDER = _kind(
    "AGENDA_REMINDER", 31, "Rappel de l'agenda de la mairie", "Rappel : {{ title }}",
    "« {{ title }} » commence {{ when }}{% if location %} ({{ location }}){% endif %}.", {IN_APP, PUSH, EMAIL},
    action_link="/events/{{ event_id }}",
    email=ChannelText("{{ app }} : rappel, {{ title }}",
                      "Bonjour,\n\n« {{ title }} » commence {{ when }}"
                      "{% if location %}, lieu : {{ location }}{% endif %}.\n"))
CHURCH_EVENT_PROMOTED = _kind(
    "CHURCH_EVENT_PROMOTED", 40, "Place libérée (liste d'attente)", "Vous êtes inscrit : {{ title }}",
    "Une place s'est libérée : vous passez de la liste d'attente aux inscrits pour « {{ title }} » "
    "du {{ start_date }}.", {IN_APP, PUSH}, action_link="/events/{{ event_id }}")
CHURCH_EVENT_CANCELLED = _kind(
    "CHURCH_EVENT_CANCELLED", 41, "Événement annulé", "Annulé : {{ title }}",
    "L'événement « {{ title }} » du {{ start_date }} auquel vous étiez inscrit est annulé.", {IN_APP, PUSH},
    action_link="/events/{{ event_id }}")

WORSHIP_REMINDER = _kind(
    "WORSHIP_REMINDER", 43, "Rappel de service au culte", "Rappel : vous servez au culte",
    "Vous êtes {{ role }} au culte du {{ when }}{% if theme %} « {{ theme }} »{% endif %}.",
    {IN_APP, PUSH, EMAIL}, action_link="/worship/services/{{ service_id }}",
    email=ChannelText("{{ app }} : rappel de votre service au culte",
                      "Bonjour,\n\nVous êtes {{ role }} au culte du {{ when }}"
                      "{% if theme %} « {{ theme }} »{% endif %}.\n"
                      "{% if status == 'en_attente' %}Merci de confirmer ou de décliner dans l'application.\n"
                      "{% endif %}"))
WORSHIP_REPLACEMENT = _kind(
    "WORSHIP_REPLACEMENT", 44, "Remplacement au culte", "Un remplaçant est recherché",
    "Un {{ role }} est recherché pour le culte du {{ when }}. Le premier qui accepte prend la place.",
    {IN_APP, PUSH}, action_link="/worship/services/{{ service_id }}")
KINDS: tuple[Kind, ...] = (WELCOME, PASSWORD_CHANGED, PAYMENT_SUCCEEDED, PAYMENT_FAILED, REFUND_DECIDED,
                           EVENT_REMINDER, NEW_COMMENT, NEW_MESSAGE, ANNOUNCEMENT, TEST,
                           NEW_PUBLICATION, AGENDA_REMINDER, WORSHIP_REMINDER, WORSHIP_REPLACEMENT,
                           CHURCH_EVENT_PROMOTED, CHURCH_EVENT_CANCELLED)
BY_CODE = {kind.code: kind for kind in KINDS}
BY_TEMPLATE = {kind.template_id: kind for kind in KINDS}
