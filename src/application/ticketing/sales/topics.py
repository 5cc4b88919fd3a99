"""The worker tasks of ticket sales (the lead registers them with the context)."""

from __future__ import annotations

CANCEL_EVENT_SALES = "ticketing_cancel_event_sales"  # job: CancelEventSales, payload {"event_id": n}
EXPIRE_HOLDS = "ticketing_expire_holds"  # cron, every minute: ExpireHolds
