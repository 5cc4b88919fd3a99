from __future__ import annotations

from datetime import datetime


def require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes inside the domain are timezone-aware")
    return moment
