"""Feed addresses, under each language's prefix (so /es/feed/ is the Spanish outlet feed)."""

from django.urls import path

from samizdat.syndication.feeds import feed_view

urlpatterns = [
    path("feed/", feed_view("outlet"), name="feed"),
    path("feed/atom/", feed_view("outlet", atom=True), name="feed_atom"),
    path("feed/all/", feed_view("all"), name="feed_all"),
    path("feed/all/atom/", feed_view("all", atom=True), name="feed_all_atom"),
    path("feed/section/<slug:slug>/", feed_view("section"), name="feed_section"),
    path("feed/section/<slug:slug>/atom/", feed_view("section", atom=True), name="feed_section_atom"),
    path("feed/topic/<slug:slug>/", feed_view("topic"), name="feed_topic"),
    path("feed/topic/<slug:slug>/atom/", feed_view("topic", atom=True), name="feed_topic_atom"),
    path("feed/author/<slug:slug>/", feed_view("author"), name="feed_author"),
    path("feed/author/<slug:slug>/atom/", feed_view("author", atom=True), name="feed_author_atom"),
]
