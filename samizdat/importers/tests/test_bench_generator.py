"""The benchmark's WordPress export generator writes a well-formed WXR file with the promised mix."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from lxml import etree

GENERATOR = Path(__file__).resolve().parents[3] / "bench" / "wordpress_generate.py"
NS = {"wp": "http://wordpress.org/export/1.2/", "content": "http://purl.org/rss/1.0/modules/content/"}


def load_generator():
    spec = importlib.util.spec_from_file_location("wordpress_generate", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generates_a_parseable_export_with_the_expected_counts(tmp_path):
    generator = load_generator()
    out = tmp_path / "export.xml"
    stats = generator.generate(30, out, seed=3)
    channel = etree.parse(str(out)).getroot().find("channel")

    assert channel.findtext("wp:wxr_version", namespaces=NS) == "1.2"
    authors = channel.findall("wp:author", NS)
    assert 2 <= len(authors) == stats["authors"] <= 20
    categories = channel.findall("wp:category", NS)
    assert len(categories) == 30 and any(c.findtext("wp:category_parent", namespaces=NS) for c in categories)
    assert len(channel.findall("wp:tag", NS)) == 300

    items = channel.findall("item")
    kinds = [item.findtext("wp:post_type", namespaces=NS) for item in items]
    assert kinds.count("post") == 30 and kinds.count("page") == 20 and "attachment" not in kinds
    posts = [item for item in items if item.findtext("wp:post_type", namespaces=NS) == "post"]
    statuses = [post.findtext("wp:status", namespaces=NS) for post in posts]
    assert statuses.count("draft") == 3 and statuses.count("future") == 1 and statuses.count("private") == 1
    assert sum(bool(post.findtext("wp:post_password", namespaces=NS)) for post in posts) == 1
    video = [post for post in posts if post.find("category[@domain='post_format']") is not None]
    assert len(video) == stats["video"] == 2
    assert sum(len(post.findall("wp:comment", NS)) for post in posts) == stats["comments"] > 0
    pages = [item for item in items if item.findtext("wp:post_type", namespaces=NS) == "page"]
    assert any(page.findtext("wp:post_parent", namespaces=NS) != "0" for page in pages)
    bodies = [post.findtext("content:encoded", namespaces=NS) for post in posts]
    assert any(body.startswith("<!-- wp:") for body in bodies) and any("\n\n" in body for body in bodies)

    again = tmp_path / "again.xml"
    generator.generate(30, again, seed=3)
    assert again.read_bytes() == out.read_bytes()
