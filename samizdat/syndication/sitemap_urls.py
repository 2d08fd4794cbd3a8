"""Sitemaps and robots.txt, at the site root (no language prefix): they cover every language."""

from django.urls import path

from samizdat.syndication import sitemaps

urlpatterns = [
    path("sitemap.xml", sitemaps.sitemap_xml, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap-section"),
    path("news-sitemap.xml", sitemaps.news_sitemap_xml, name="news-sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots-txt"),
]
