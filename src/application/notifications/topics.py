"""Outbox topics of the notifications context (each is also its worker task's name)."""

NOTIFY = "notifications_notify"  # payload: kind, user_ids, key, data, [bulk_id]
SEND_DUE = "notifications_send_due"  # cron
CHECK_RECEIPTS = "notifications_check_receipts"  # cron
