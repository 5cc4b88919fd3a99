"""The mayor's agenda: events of a town, their recurrence, attendees and reminders."""
