"""One version number for "the page tree changed", shared by every cache keyed on it.

Publishing, unpublishing, moving or deleting a page, or changing a Site, bumps it;
caches that include it in their keys (the menu, the site lookup) are then simply
never read again and expire on their own.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

TREE_VERSION_KEY = "samizdat:tree-version"


def tree_version() -> int:
    """A counter bumped whenever pages are published, unpublished, moved or deleted."""
    version = cache.get(TREE_VERSION_KEY)
    if version is None:
        # From the clock, not 1: if the key is ever evicted, the new version cannot
        # match keys written under an old one.
        version = time.time_ns()
        if not cache.add(TREE_VERSION_KEY, version, None):
            version = cache.get(TREE_VERSION_KEY, version)
    return version


def bump_tree_version(**kwargs) -> None:
    try:
        cache.incr(TREE_VERSION_KEY)
    except ValueError:
        cache.set(TREE_VERSION_KEY, time.time_ns(), None)


for signal in (page_published, page_unpublished, post_page_move):
    signal.connect(bump_tree_version, dispatch_uid=f"tree-{signal!r}")
post_delete.connect(bump_tree_version, sender=Page, dispatch_uid="tree-page-delete")
post_save.connect(bump_tree_version, sender=Site, dispatch_uid="tree-site-save")
post_delete.connect(bump_tree_version, sender=Site, dispatch_uid="tree-site-delete")
