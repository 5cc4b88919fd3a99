"""SQL persistence of the ticketing context."""
