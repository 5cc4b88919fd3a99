"""LIKE patterns for the lists' `?search=`: the text matched anywhere, its own %, _ and \\ taken literally (the
statements say `escape="\\"`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlalchemy.sql import ColumnElement


def containing(text: str) -> str:
    """`%text%`, with text's wildcards escaped."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def any_matches(pattern: Any, *columns: ColumnElement[Any]) -> ColumnElement[bool]:
    """One of the columns matches `pattern` (a `containing` value, or the bindparam that will carry one),
    whatever the case."""
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))
