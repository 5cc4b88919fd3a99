"""Payments persistence: tables, mapping, repositories."""
