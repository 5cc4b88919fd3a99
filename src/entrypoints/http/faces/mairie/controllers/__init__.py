"""Controllers of the mairie face; each context lists the ones it mounts (entrypoints/contexts)."""
