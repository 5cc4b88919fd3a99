"""The church's community: sites, members (the directory) and families."""
