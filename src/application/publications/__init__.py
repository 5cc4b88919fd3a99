"""Publications: use cases, read side and jobs of the town hall's posts and communiqués."""
