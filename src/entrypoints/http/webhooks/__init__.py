"""The /webhooks app: provider callbacks shared by every face (Stripe serves SpotVibe cards and EEBC gifts)."""

PREFIX = "/webhooks"
