"""Entity ids are PostgreSQL BIGINTs: an integer outside 1..MAX_ID names nothing that can exist."""

from __future__ import annotations

MAX_ID = 2**63 - 1
