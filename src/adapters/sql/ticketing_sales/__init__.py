"""PostgreSQL persistence of ticket sales: quotas and holds, ticket types, orders, tickets, scans, keys."""
