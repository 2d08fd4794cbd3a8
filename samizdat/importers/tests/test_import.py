"""Importing WordPress exports: our hand-written one, and WordPress's theme unit test data."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image as PILImage

from samizdat.importers.wordpress.importer import import_wordpress

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "small-1.2.xml"
REPO = Path(__file__).resolve().parents[3]
THEME_DATA = REPO.parent / "shared" / "fixtures" / "wordpress" / "themeunittestdata.wordpress.xml"


def write_jpeg(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 80), (20, 60, 160)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())


@pytest.fixture(scope="module")
def uploads(tmp_path_factory) -> Path:
    media = tmp_path_factory.mktemp("uploads")
    write_jpeg(media / "2024" / "05" / "harbour.jpg")
    return media


@pytest.fixture(scope="module")
def small(module_outlet, uploads):
    """Our small export, imported once for the module (with a local uploads folder)."""
    module_outlet.summary = module_outlet.build(lambda outlet: import_wordpress(SMALL, media_dir=uploads))
    return module_outlet


def article(slug: str):
    from samizdat.articles.models import ArticlePage

    return ArticlePage.objects.get(slug=slug)


def test_summary_of_the_small_export(small):
    summary = small.summary
    assert summary.created["posts"] == 7 and summary.created["pages"] == 2
    assert summary.created["attachments"] == 1
    assert summary.created["topics"] == 4  # labour, dockers, port-strike, uncategorised
    assert summary.comments == 2
    assert summary.skipped_reasons == {"unknown post type “product”": 1, "status “trash”": 1}
    assert len(summary.missing_media) == 1 and "scan.jpg" in summary.missing_media[0]
    assert any("dockers-walk-out-2" in line for line in summary.renamed)
    not_public = "\n".join(summary.not_public)
    for title in ("Members only", "Locked minutes", "Scheduled: the strike fund", "Draft: the next ballot"):
        assert title in not_public
    assert summary.problems == []
    text = "\n".join(summary.lines())
    assert "posts: 7 created" in text and "unknown post type" in text


def test_tree_and_records_are_consistent(small):
    from wagtail.models import Page

    from samizdat.articles.models import ArticlePage
    from samizdat.importers.models import ImportRecord

    assert Page.find_problems() == ([], [], [], [], [])
    assert not Page.objects.filter(draft_title="").exists()
    assert not ArticlePage.objects.filter(live=True, authors__isnull=True).exists()
    records = ImportRecord.objects.filter(source="https://picket.example")
    assert sorted(records.filter(kind="author").values_list("wp_id", flat=True)) == ["jo", "marta", "x"]
    assert records.filter(kind="attachment").count() == 1 and records.filter(kind="post").count() == 7


def test_published_post_with_everything(small):
    from samizdat.people.models import Person

    post = article("dockers-walk-out")
    assert post.live and post.url == "/archive/2024/05/dockers-walk-out/"
    assert post.dek == "All cranes stood still."
    assert [a.person.name for a in post.authors.order_by("sort_order")] == ["Marta Quiroga", "Jo Baptiste"]
    assert sorted(t.slug for t in post.topics.all()) == ["dockers", "port-strike"]
    assert post.topics.get(slug="dockers").description.startswith("Parent: Labour.")
    assert post.lead_image.description == "Idle cranes"
    assert post.lead_image_caption == "Cranes idle at the harbour."
    images = [block.value["image"] for block in post.body if block.block_type == "image"]
    assert images and images[0].pk == post.lead_image.pk  # the resized copy resolved to the original
    assert small.home.featured.filter(article=post).exists()
    assert Person.objects.get(name="Jo Baptiste").slug == "jo-baptiste"


def test_statuses(small):
    from wagtail.models import PageViewRestriction

    from samizdat.articles.models import ArticlePage

    draft = ArticlePage.objects.get(title="Draft: the next ballot")
    assert not draft.live and draft.latest_revision is not None
    scheduled = article("strike-fund")
    assert not scheduled.live and scheduled.latest_revision.approved_go_live_at.year == 2099
    assert article("members-only").view_restrictions.get().restriction_type == PageViewRestriction.LOGIN
    locked = article("locked-minutes").view_restrictions.get()
    assert (locked.restriction_type, locked.password) == (PageViewRestriction.PASSWORD, "solidarity")


def test_duplicate_slug_sanitized_body_and_malformed_author(small):
    second = article("dockers-walk-out-2")
    html = str(second.body.render_as_block()) if hasattr(second.body, "render_as_block") else str(second.body)
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html
    assert all(a.person.name and "<" not in a.person.name for a in second.authors.all())


def test_video_format(small):
    video = article("watch-the-rally")
    assert video.kind == "video" and video.video_url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def test_pages_keep_their_hierarchy_and_render(small, client, django_assert_max_num_queries):
    from samizdat.home.models import StandardPage

    history = StandardPage.objects.get(slug="history")
    assert history.get_parent().slug == "about" and history.url == "/about/history/"
    with django_assert_max_num_queries(25):
        response = client.get("/about/history/")
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1 and "History" in response.content.decode()


@pytest.mark.parametrize(("old", "new"), [
    ("/2024/05/dockers-walk-out/", "/archive/2024/05/dockers-walk-out/"),
    ("/?p=20", "/archive/2024/05/dockers-walk-out/"),
    ("/?page_id=30&utm_source=x", "/about/"),
    ("/2024/05/dockers-walk-out-2/", "/archive/2024/05/dockers-walk-out-2/"),
    ("/category/labour/dockers/", "/topics/dockers/"),
    ("/tag/port-strike/", "/topics/port-strike/"),
])
def test_old_permalinks_redirect(small, client, old, new):
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == new
    assert client.get(new).status_code == 200


def test_home_page_query_count_unchanged_without_wordpress_parameters(small, client,
                                                                     django_assert_max_num_queries):
    client.get("/")
    with django_assert_max_num_queries(40) as plain:
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(len(plain.captured_queries)):
        assert client.get("/?utm_source=x").status_code == 200
    assert client.get("/?p=999999").status_code == 200  # unknown id: the home page


def test_imported_pages_render(small, client):
    for url in ("/archive/", "/archive/2024/05/watch-the-rally/", "/", "/authors/marta-quiroga/"):
        assert client.get(url).status_code == 200, url


def test_rerun_changes_nothing_and_an_edit_updates(small, uploads, tmp_path):
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.models import Page

    pages, redirects = Page.objects.count(), Redirect.objects.count()
    again = import_wordpress(SMALL, media_dir=uploads)
    assert not any(again.created.values()) and not any(again.updated.values())
    assert again.unchanged["posts"] == 7 and again.unchanged["attachments"] == 1
    assert (Page.objects.count(), Redirect.objects.count()) == (pages, redirects)

    edited = tmp_path / "edited.xml"
    text = SMALL.read_text().replace("Dockers walk out</title>", "Dockers walk out at dawn</title>")
    edited.write_text(text)
    third = import_wordpress(edited, media_dir=uploads)
    assert third.updated["posts"] == 1 and third.unchanged["posts"] == 6
    assert article("dockers-walk-out").title == "Dockers walk out at dawn"
    assert Page.objects.count() == pages


def test_dry_run_saves_nothing(small, uploads, tmp_path):
    from wagtail.models import Page

    from samizdat.core.models import OutletImage

    other = tmp_path / "other.xml"
    other.write_text(SMALL.read_text().replace("https://picket.example</wp:base_blog_url>",
                                               "https://elsewhere.example</wp:base_blog_url>"))
    pages, images = Page.objects.count(), OutletImage.objects.count()
    files_before = {p.name for p in Path(OutletImage._meta.get_field("file").storage.location).rglob("*")}
    summary = import_wordpress(other, media_dir=uploads, dry_run=True)
    assert summary.created["posts"] == 7 and summary.lines()[0] == "dry run: nothing was saved"
    assert (Page.objects.count(), OutletImage.objects.count()) == (pages, images)
    files_after = {p.name for p in Path(OutletImage._meta.get_field("file").storage.location).rglob("*")}
    assert files_after == files_before


def test_section_from_category_and_spanish_home(small, tmp_path):
    from samizdat.articles.models import ArticlePage, SectionPage

    other = tmp_path / "es.xml"
    other.write_text(SMALL.read_text().replace("https://picket.example</wp:base_blog_url>",
                                               "https://es.picket.example</wp:base_blog_url>"))
    import_wordpress(other, section_from_category=True, locale="es")
    labour = SectionPage.objects.get(slug="labour", locale=small.es)
    assert labour.get_parent().pk == small.home_es.pk
    assert article_in("dockers-walk-out", labour)
    video = ArticlePage.objects.get(slug="watch-the-rally", locale=small.es)  # no category: default section
    assert video.section.get_parent().pk == small.home_es.pk and video.section.slug != "labour"


def article_in(slug: str, section) -> bool:
    from samizdat.articles.models import ArticlePage

    return ArticlePage.objects.descendant_of(section).filter(slug=slug).exists()


def test_command(small, tmp_path, capsys):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_wordpress", str(tmp_path / "missing.xml"))
    html = tmp_path / "page.html"
    html.write_text("<html><body><p>Not an export</p></body></html>")
    with pytest.raises(CommandError, match="Not a WordPress export"):
        call_command("import_wordpress", str(html))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", str(SMALL), "--dry-run", stdout=out, stderr=err)
    assert "dry run: nothing was saved" in out.getvalue() and "posts: 0 created" in out.getvalue()


# --------------------------------------------------------------- WordPress's theme unit test data

@pytest.fixture(scope="module")
def theme(small):
    if not THEME_DATA.exists():
        pytest.skip(f"WordPress's theme unit test export is not here ({THEME_DATA}); "
                    "the small hand-written exports cover the same ground")
    small.theme_summary = small.build(lambda outlet: import_wordpress(THEME_DATA))
    return small


def test_theme_data_counts(theme):
    from samizdat.importers.models import ImportRecord

    summary = theme.theme_summary
    assert summary.created["posts"] == 58 and summary.created["pages"] == 21
    assert len(summary.missing_media) == 37  # no --media-dir: every attachment reported missing
    source = ImportRecord.objects.filter(source="https://wpthemetestdata.wordpress.com")
    assert source.filter(kind="author").count() == 2  # ">themereviewteam" is themereviewteam
    assert source.filter(kind="category").count() == 68 and source.filter(kind="tag").count() >= 110
    not_public = "\n".join(summary.not_public)
    assert "password-protected" in not_public and "scheduled" in not_public
    assert summary.skipped_reasons["unknown post type “nav_menu_item”"] > 0
    assert summary.problems == []


def test_theme_data_pages_and_redirects(theme, client):
    from wagtail.contrib.redirects.models import Redirect

    from samizdat.home.models import StandardPage

    nested = StandardPage.objects.filter(depth__gt=theme.home.depth + 1)
    assert nested.count() >= 5
    for page in nested[:3]:
        assert client.get(page.url).status_code == 200, page.url
    for redirect in Redirect.objects.filter(old_path__startswith="/20", redirect_page__isnull=False,
                                           redirect_page__view_restrictions__isnull=True)[:5]:
        response = client.get(redirect.old_path)
        assert response.status_code == 301
        assert client.get(response["Location"]).status_code == 200, response["Location"]


def test_theme_data_rerun_is_unchanged(theme):
    again = import_wordpress(THEME_DATA)
    assert not any(again.created.values()) and not any(again.updated.values())
    assert again.unchanged["posts"] == 58 and again.unchanged["pages"] == 21


def test_malformed_export_imports_what_it_can(small, tmp_path):
    """Broken XML after a few items: those are imported, the break is a problem in the summary."""
    text = SMALL.read_text()
    cut = text.index("<title>Draft: the next ballot</title>")
    broken = tmp_path / "broken.xml"
    broken.write_text(text[:cut].replace("https://picket.example</wp:base_blog_url>",
                                         "https://broken.example</wp:base_blog_url>") + "<title>oops</item>")
    out = io.StringIO()
    call_command("import_wordpress", str(broken), stdout=out, stderr=io.StringIO())
    assert "posts: 3 created" in out.getvalue()
    assert "Malformed XML, reading stopped here" in out.getvalue()
