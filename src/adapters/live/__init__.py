"""Live inbox updates: the in-process hub the streams read, fed by PostgreSQL LISTEN/NOTIFY (docs/notifications.md)."""
