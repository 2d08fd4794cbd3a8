"""The WXR reader: namespaces of every version, non-exports, broken XML, no entity expansion."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from samizdat.importers.wordpress.records import Author, Item, NotWxr, Problem, Site, Term
from samizdat.importers.wordpress.wxr import read_wxr

FIXTURES = Path(__file__).parent / "fixtures"
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>'
        '<wp:wxr_version>1.2</wp:wxr_version>\n')


def item(post_id: int, body: str = "Hello") -> str:
    return (f"<item><title>Post {post_id}</title><content:encoded><![CDATA[{body}]]></content:encoded>"
            f"<wp:post_id>{post_id}</wp:post_id><wp:status>publish</wp:status>"
            "<wp:post_type>post</wp:post_type></item>\n")


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_old_namespaces(version):
    records = list(read_wxr(FIXTURES / f"small-{version}.xml"))
    site, term, post = records
    assert isinstance(site, Site) and site.wxr_version == version and site.link == "http://old.example"
    assert isinstance(term, Term) and (term.taxonomy, term.slug, term.name) == ("category", "news", "News")
    assert isinstance(post, Item)
    assert (post.title, post.excerpt, post.creator) == ("First post & more", "Short.", "admin")
    assert post.slug == "first-post"
    assert post.date == datetime(2008, 1, 1, 9, tzinfo=UTC)
    assert [t.slug for t in post.terms_of("category")] == ["news"]


def test_version_1_2_everything():
    records = list(read_wxr(FIXTURES / "small-1.2.xml"))
    assert isinstance(records[0], Site) and records[0].base_blog_url == "https://picket.example"
    authors = [r for r in records if isinstance(r, Author)]
    assert [a.login for a in authors] == ["marta", "jo"]
    terms = {(t.taxonomy, t.slug): t for t in records if isinstance(t, Term)}
    assert terms[("category", "dockers")].parent_slug == "labour"
    assert terms[("post_tag", "port-strike")].name == "Port strike"
    items = {r.post_id: r for r in records if isinstance(r, Item)}
    post = items[20]
    assert post.is_sticky and post.comment_count == 2 and post.thumbnail_id == 10
    assert post.date == datetime(2024, 5, 2, 7, 30, tzinfo=UTC)
    assert [t.name for t in post.terms_of("author")] == ["Jo Baptiste"]
    assert items[21].date == datetime(2024, 5, 20, 9, 30, tzinfo=UTC)  # gmt unset: local date as UTC
    assert items[22].post_format == "video"
    assert items[10].meta["_wp_attached_file"] == "2024/05/harbour.jpg"
    assert items[10].attachment_url.endswith("harbour.jpg")
    assert items[26].password == "solidarity" and items[31].parent_id == 30
    assert items[20].line and items[20].line > items[10].line


@pytest.mark.parametrize("content, message", [
    (b"<!DOCTYPE html><html><head><title>x</title></head><body><p>Hi</p></body></html>", "html"),
    (b'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><item><title>A</title></item>'
     b"</channel></rss>", "without the WordPress"),
    (b"", "not readable XML"),
    (bytes(range(256)) * 4, "not readable XML"),
])
def test_not_wxr(tmp_path, content, message):
    path = tmp_path / "export.xml"
    path.write_bytes(content)
    with pytest.raises(NotWxr, match=message):
        list(read_wxr(path))


def test_malformed_mid_file_keeps_what_came_before(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text(HEAD + item(1) + item(2) + "<item><title>Broken</wp:post_id></item>\n" + item(3))
    records = list(read_wxr(path))
    assert [r.post_id for r in records if isinstance(r, Item)] == [1, 2]
    problem = records[-1]
    assert isinstance(problem, Problem) and problem.where.startswith("line ")
    assert "Malformed" in problem.message


def test_huge_text_node(tmp_path):
    path = tmp_path / "huge.xml"
    body = "word " * 3_000_000  # 15 MB, beyond libxml2's default 10 MB text limit
    path.write_text(HEAD + item(1, body) + "</channel></rss>")
    (post,) = [r for r in read_wxr(path) if isinstance(r, Item)]
    assert len(post.content) == len(body)


def test_entities_are_not_resolved(tmp_path):
    path = tmp_path / "xxe.xml"
    doctype = '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    path.write_text(doctype + HEAD.split("\n", 1)[1] + item(1, "]]>&secret;<![CDATA[") + "</channel></rss>")
    records = list(read_wxr(path))
    (post,) = [r for r in records if isinstance(r, Item)]
    assert "root:" not in post.content


def test_file_object_and_flat_memory(tmp_path):
    import tracemalloc

    path = tmp_path / "many.xml"
    path.write_text(HEAD + "".join(item(n, "x" * 2000) for n in range(1, 3001)) + "</channel></rss>")
    tracemalloc.start()
    with open(path, "rb") as handle:
        count = sum(1 for r in read_wxr(handle) if isinstance(r, Item))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 3000
    assert peak < 3 * 1024 * 1024, peak  # the file is ~6.5 MB; elements are cleared as they end
