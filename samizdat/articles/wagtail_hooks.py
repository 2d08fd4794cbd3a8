"""Admin behaviour: an article added to a section files itself into a month folder."""

from __future__ import annotations

from wagtail import hooks

from samizdat.articles.models import ArticlePage
from samizdat.articles.services import file_article


@hooks.register("after_create_page")
def file_new_article(request, page) -> None:
    if isinstance(page, ArticlePage):
        file_article(page)
