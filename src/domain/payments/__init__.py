"""Payments: what was asked, what the provider confirmed, what was refunded, and the ledger that proves it."""
