"""Faithful local stand-ins for FCM and Expo: real HTTP servers on 127.0.0.1 speaking each provider's protocol
(auth checks, limits, error shapes), with switches for the failures a test needs."""
