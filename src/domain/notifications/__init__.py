"""Notifications: who is told what, on which channel, and when (docs/notifications.md)."""
