"""Faithful local stand-ins for the payment providers: real HTTP servers on 127.0.0.1 speaking each provider's
documented protocol (auth, scripted sandbox outcomes, callbacks to our webhook, error bodies, slow mode).

The adapter tests run against them, and `AGORA_PAYMENTS=fake` starts them inside `agora serve` so a whole
payment can be clicked through locally with no operator account.
"""
