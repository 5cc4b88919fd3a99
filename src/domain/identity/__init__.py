"""Identity: accounts of the three realms, credentials, sessions, second factors."""
