"""Use cases of the community context: the directory (read), staff management of sites, members, families."""
