"""File storage adapters."""
