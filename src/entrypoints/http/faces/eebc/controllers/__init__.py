"""Controllers of the eebc face; each context lists the ones it mounts (entrypoints/contexts)."""
