"""Publications: the town hall's posts and communiqués, their likes, comments and views."""
