"""Push senders: FCM HTTP v1, Expo, and a log sender for development (docs/push-and-sms.md)."""
