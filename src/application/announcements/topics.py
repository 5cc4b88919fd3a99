"""Outbox topics of the announcements context."""

PUSH_ANNOUNCEMENT = "announcements_push"
PUBLISH_DUE = "announcements_publish_due"
