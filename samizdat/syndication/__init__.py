"""How the outlet reaches readers beyond its pages: feeds, sitemaps and sharing metadata."""
