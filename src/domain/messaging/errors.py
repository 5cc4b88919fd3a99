"""Conversation errors, each a kind of domain error so that every face knows its status."""

from __future__ import annotations

from domain.shared.errors import InvalidInput


class ConversationInvalid(InvalidInput):
    """Field errors of a conversation or a message: `details` maps each field (the command's names) to messages."""
