"""Ticket sales: purchases under a quota, payment outcomes, issued tickets, check-in, reports."""
