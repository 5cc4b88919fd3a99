"""Identity persistence: tables, mapping, repositories."""
