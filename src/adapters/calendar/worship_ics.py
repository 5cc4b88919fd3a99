"""A member's assignments as an iCalendar feed (RFC 5545), written with the `icalendar` library."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from icalendar import Calendar, Event

from application.worship.feeds import FeedEntry
from domain.worship.model import AssignmentStatus

STATUS = {AssignmentStatus.CONFIRME: "CONFIRMED", AssignmentStatus.EN_ATTENTE: "TENTATIVE"}
TYPES = {"culte_dominical": "Culte dominical", "culte_priere": "Culte de prière", "etude_biblique": "Étude biblique",
         "culte_jeunesse": "Culte de jeunesse", "culte_special": "Culte spécial"}


def render_feed(entries: Sequence[FeedEntry], now: datetime, host: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//EEBC//Agenda des services//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "EEBC : mes services")
    for entry in entries:
        service, assignment = entry.service, entry.assignment
        event = Event()
        event.add("uid", f"worship-assignment-{assignment.id}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", service.starts_at)
        event.add("dtend", service.ends_at)
        title = f"{entry.role.name} — {TYPES.get(service.service_type.value, service.service_type.value)}"
        event.add("summary", title)
        if service.theme:
            event.add("description", service.theme)
        if entry.site_name:
            event.add("location", entry.site_name)
        event.add("status", STATUS.get(assignment.status, "TENTATIVE"))
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
