"""After an import commits, the paused indexing runs: search (public and admin) and references."""

from __future__ import annotations

import pytest

from samizdat.importers.tests.test_import import SMALL, write_jpeg
from samizdat.importers.wordpress.importer import import_wordpress

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploads(tmp_path):
    write_jpeg(tmp_path / "2024" / "05" / "harbour.jpg")
    return tmp_path


def test_imported_pages_are_indexed_once_committed(outlet, uploads, client,
                                                   django_capture_on_commit_callbacks):
    """The indexing paused during the import runs after the commit: the outlet's search, the
    admin's search and the reference index ("used by") all know the imported pages."""
    from wagtail.models import ReferenceIndex

    from samizdat.articles.models import ArticlePage
    from samizdat.people.models import Person

    with django_capture_on_commit_callbacks(execute=True):
        import_wordpress(SMALL, media_dir=uploads)
    post = ArticlePage.objects.get(slug="dockers-walk-out")
    page = client.get("/search/?q=crossed").content.decode()
    assert "Dockers walk out" in page
    assert "the next ballot" not in client.get("/search/?q=ballot").content.decode()  # a draft
    assert post in ArticlePage.objects.search("crossed")
    marta = Person.objects.get(name="Marta Quiroga")
    assert ReferenceIndex.objects.filter(object_id=str(post.pk), to_object_id=str(marta.pk)).exists()

    # The bulk insert for new pages records what Wagtail's own per-page update would.
    def rows(page):
        return set(ReferenceIndex.objects.filter(object_id=str(page.pk)).values_list(
            "content_type", "base_content_type", "to_content_type", "to_object_id", "model_path",
            "content_path", "content_path_hash"))

    pages = [post, *ArticlePage.objects.exclude(pk=post.pk)]
    imported = {page.pk: rows(page) for page in pages}
    assert len(imported[post.pk]) >= 3  # two bylines and the lead image at least
    ReferenceIndex.objects.all().delete()
    for page in pages:
        ReferenceIndex.create_or_update_for_object(page)
        assert rows(page) == imported[page.pk]
