"""sitemap.xml, the news sitemap and robots.txt, at the site root (no language prefix)."""

urlpatterns: list = []
