"""Ticketing: SpotVibe's events (catalogue, moderation, participations, shares, views) and their sales."""
