"""LIKE patterns for the lists' `?search=`: the text matched anywhere, its own %, _ and \\ taken literally (the
statements say `escape="\\"`)."""

from __future__ import annotations


def containing(text: str) -> str:
    """`%text%`, with text's wildcards escaped."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
