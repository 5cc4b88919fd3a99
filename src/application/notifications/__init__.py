"""Notifications: who is told what, on which channel, and when. For now, the delivery channels' ports."""
