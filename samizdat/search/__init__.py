"""Full-text search over articles: the index, its background updates and the search page."""
