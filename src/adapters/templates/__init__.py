"""Template rendering (Jinja, sandboxed)."""
