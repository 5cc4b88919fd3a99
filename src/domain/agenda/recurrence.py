"""A recurring event's rule, as a plain value: an RFC 5545 RRULE text (expanded by an adapter, see
application/agenda/ports.py::RecurrenceRules) and the named pattern the Mairie spec shows (`recurring_pattern`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

PATTERNS = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "yearly": "YEARLY"}
FREQUENCIES = {frequency: pattern for pattern, frequency in PATTERNS.items()}
MAX_RULE_LENGTH = 500
MAX_WINDOW_DAYS = 400  # the widest range a listing expands
MAX_OCCURRENCES = 1000  # per series and per listing
PARTS = frozenset({"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "WKST"})
MONTH_DAYS = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


@dataclass(frozen=True)
class Recurrence:
    rule: str  # "FREQ=WEEKLY;BYDAY=MO,WE" (no "RRULE:" prefix, no DTSTART: the event's start is the series start)

    @classmethod
    def of_pattern(cls, pattern: str) -> Recurrence:
        return cls(f"FREQ={PATTERNS[pattern]}")

    @property
    def pattern(self) -> str | None:
        """"daily", "weekly", "monthly" or "yearly" (the rule's FREQ)."""
        return FREQUENCIES.get(rule_parts(self.rule).get("FREQ", ""))


def rule_parts(rule: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for piece in rule.removeprefix("RRULE:").split(";"):
        name, _, value = piece.partition("=")
        if name:
            parts[name.strip().upper()] = value.strip().upper()
    return parts


def rule_problem(rule: str) -> str | None:
    """What the domain itself refuses in a rule (the adapter then checks its syntax): sub-daily frequencies."""
    if len(rule) > MAX_RULE_LENGTH:
        return f"Règle trop longue ({MAX_RULE_LENGTH} caractères au plus)"
    if "\n" in rule or "DTSTART" in rule.upper():
        return "Une seule ligne RRULE, sans DTSTART (le début de l'événement ouvre la série)"
    parts = rule_parts(rule)
    if parts.get("FREQ") not in FREQUENCIES:
        return "Fréquence attendue : DAILY, WEEKLY, MONTHLY ou YEARLY"
    if unknown := sorted(set(parts) - PARTS):
        return f"Éléments non pris en charge : {', '.join(unknown)} (permis : {', '.join(sorted(PARTS))})"
    return _never_happens(parts)


def _numbers(text: str) -> list[int] | None:
    try:
        return [int(piece) for piece in text.split(",") if piece]
    except ValueError:
        return None


def _never_happens(parts: dict[str, str]) -> str | None:
    """Rules that yield no date at all (their expansion would scan to the year 9999): a month day that no month
    of the rule has, or a numbered weekday pinned to a month day."""
    days = _numbers(parts.get("BYMONTHDAY", ""))
    months = _numbers(parts.get("BYMONTH", "")) or list(range(1, 13))
    if days is None or _numbers(parts.get("BYMONTH", "")) is None:
        return "BYMONTHDAY et BYMONTH attendent des nombres"
    if days and not any(-MONTH_DAYS.get(month, 31) <= day <= MONTH_DAYS.get(month, 31) and day != 0
                        for day in days for month in months):
        return "Aucun mois de la règle n'a ce jour (BYMONTHDAY)"
    if days and any(piece[:-2] for piece in parts.get("BYDAY", "").split(",")):
        return "Un jour numéroté (BYDAY=2MO) ne se combine pas avec BYMONTHDAY"
    return None


@lru_cache(maxsize=1 << 16)  # a month view asks for thousands, the same ones again and again
def occurrence_key(start: datetime) -> str:
    """The occurrence's original start, to the minute, UTC: "20260115T0900" (part of the wire's occurrence id)."""
    return f"{start.year:04d}{start.month:02d}{start.day:02d}T{start.hour:02d}{start.minute:02d}"
