"""Persistence every context shares: the outbox and the job journal."""
