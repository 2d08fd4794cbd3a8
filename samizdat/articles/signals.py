"""When an editor publishes or moves an article: queue the follow-up work."""

from __future__ import annotations

from wagtail.signals import page_published, post_page_move

from samizdat.articles.models import ArticlePage, DossierPage, VideoSeriesPage
from samizdat.core.images import images_in_stream
from samizdat.core.signals import enqueue_renditions


def lead_image_published(sender, instance, **kwargs) -> None:
    """Renditions of a page's images are made in the background, not on a reader's request."""
    enqueue_renditions(instance.lead_image_id)
    for image in images_in_stream(getattr(instance, "body", [])):
        enqueue_renditions(image.pk)


for page_class in (ArticlePage, DossierPage, VideoSeriesPage):
    page_published.connect(lead_image_published, sender=page_class)


def article_moved(sender, instance, **kwargs) -> None:
    """Keep the article's section in step with where it now lives in the tree."""
    from samizdat.articles.services import section_for

    moved = ArticlePage.objects.only("path", "section").get(pk=instance.pk)
    section = section_for(moved)
    if getattr(section, "pk", None) != moved.section_id:
        ArticlePage.objects.filter(pk=instance.pk).update(section=section)


post_page_move.connect(article_moved, sender=ArticlePage)
