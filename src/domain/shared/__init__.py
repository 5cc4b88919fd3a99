"""Shared kernel: errors, money and time helpers every context may use."""
