"""Publication errors, each a kind of domain error so that every face knows its status."""

from __future__ import annotations

from domain.shared.errors import Conflict, InvalidInput


class PublicationInvalid(InvalidInput):
    """Field errors of a publication: `details` maps each field (the command's names) to its messages."""


class CommentsClosed(Conflict):
    def __init__(self) -> None:
        super().__init__("Les commentaires sont fermés pour cette publication")
