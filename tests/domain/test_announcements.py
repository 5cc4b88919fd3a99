"""An announcement's rules: its details, its window, its excerpt, and that it is announced once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.announcements.events import AnnouncementPublished
from domain.announcements.model import Announcement, AnnouncementDetails, Priority, excerpt_of
from domain.shared.errors import InvalidInput

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def details(**changes: object) -> AnnouncementDetails:
    base: dict[str, object] = {"title": "Assemblée générale", "content": "L'assemblée générale annuelle aura lieu."}
    return AnnouncementDetails(**{**base, **changes})  # type: ignore[arg-type]


def test_the_excerpt_is_the_start_of_the_text_cut_on_a_word() -> None:
    assert excerpt_of("  Court   texte ") == "Court texte"
    long = "mot " * 100
    cut = excerpt_of(long)
    assert cut.endswith("...") and len(cut) <= 153 and cut.startswith("mot mot")
    assert excerpt_of("x" * 200) == "x" * 150 + "..."


def test_details_are_checked_field_by_field() -> None:
    assert details().problems() == {}
    problems = details(title=" ", content="", start_date=datetime(2026, 1, 1)).problems()
    assert set(problems) == {"title", "content", "start_date"}
    assert set(details(title="t" * 201).problems()) == {"title"}
    assert set(details(start_date=NOW, end_date=NOW).problems()) == {"end_date"}


def test_active_within_its_window_and_announced_once() -> None:
    future = Announcement.create(details(start_date=NOW + timedelta(days=1)), 1, "Pasteur Martin", NOW)
    future.id = 5
    assert not future.is_active(NOW) and not future.announce_if_due(NOW)
    later = NOW + timedelta(days=1)
    assert future.is_active(later) and future.announce_if_due(later)
    assert future.pull_events() == [AnnouncementPublished(5)]
    assert not future.announce_if_due(later + timedelta(hours=1)) and future.pull_events() == []
    ended = Announcement.create(details(start_date=NOW - timedelta(days=2), end_date=NOW), 1, "A", NOW)
    assert not ended.is_active(NOW) and ended.is_active(NOW - timedelta(seconds=1))
    assert Announcement.create(details(priority=Priority.URGENT), 1, "A", NOW).start_date == NOW


def test_an_edit_keeps_the_start_when_none_is_given_and_the_end_must_follow_it() -> None:
    announcement = Announcement.create(details(start_date=NOW), 1, "A", NOW)
    announcement.edit(details(title="Nouveau titre"), NOW + timedelta(hours=1))
    assert announcement.title == "Nouveau titre" and announcement.start_date == NOW
    with pytest.raises(InvalidInput):
        announcement.edit(details(end_date=NOW - timedelta(hours=1)), NOW)
