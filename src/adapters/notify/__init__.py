"""Senders: email (SMTP, console) and SMS (console)."""
