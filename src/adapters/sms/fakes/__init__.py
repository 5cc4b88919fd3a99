"""A faithful local stand-in for Twilio's Messages API."""
