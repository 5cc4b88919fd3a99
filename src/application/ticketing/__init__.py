"""Ticketing's use cases: the events catalogue here, the sales in `sales/`."""
