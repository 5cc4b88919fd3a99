"""SQL adapters of the publications context (tables `publications_*`)."""
