"""Rota errors, each a kind of domain error so that every face knows its status."""

from __future__ import annotations

from domain.shared.errors import StateConflict


class AnswersClosed(StateConflict):
    def __init__(self) -> None:
        super().__init__("Les réponses sont closes 48 heures avant le culte : contactez un responsable")


class AlreadyAnswered(StateConflict):
    def __init__(self, status: str) -> None:
        super().__init__(f"Cette assignation est déjà au statut « {status} »")


class SlotTaken(StateConflict):
    def __init__(self) -> None:
        super().__init__("Ce remplacement n'est plus disponible : un autre membre l'a déjà accepté")


class NotOffered(StateConflict):
    def __init__(self) -> None:
        super().__init__("Cette assignation n'est pas à remplacer")
