"""Conversations between a town hall and its citizens."""
