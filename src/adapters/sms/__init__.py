"""SMS providers over HTTP (the console sender is adapters/notify/sms_console.py)."""
