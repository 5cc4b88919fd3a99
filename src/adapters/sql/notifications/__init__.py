"""SQL adapters of the notifications context."""
