"""Converting WordPress bodies (classic HTML, shortcodes, block markup) into article body blocks."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from samizdat.articles.blocks import ArticleBodyBlock
from samizdat.importers.wordpress.content import convert_body, first_video_url, wpautop

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
PEERTUBE = "https://tube.example.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d"


def types(converted) -> list[str]:
    return [block["type"] for block in converted.blocks]


def resolver(by_id: dict[int, int] | None = None, by_url: dict[str, int] | None = None):
    """The caller's callback: a plain lookup by attachment id, then by URL."""
    by_id, by_url = by_id or {}, by_url or {}
    return lambda url, attachment_id: by_id.get(attachment_id) or by_url.get(url)


# --- wpautop -------------------------------------------------------------------------------------------


def test_wpautop_paragraphs_and_line_breaks():
    assert wpautop("One\ntwo\n\nThree") == "<p>One<br />\ntwo</p>\n<p>Three</p>"
    assert wpautop("One\r\n\r\n\r\nTwo") == "<p>One</p>\n<p>Two</p>"
    assert wpautop("   \n\n ") == ""


def test_wpautop_leaves_block_elements_unwrapped():
    out = wpautop(
        "Intro\n<h2>Head</h2>\nText\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<blockquote>Q</blockquote>"
    )
    assert "<p>Intro</p>" in out and "<h2>Head</h2>" in out and "<p>Text</p>" in out
    assert "<p><h2>" not in out and "<p><ul>" not in out and "<li>a</li>" in out and "<br />\n<li>" not in out
    assert "<blockquote><p>Q</p></blockquote>" in out


def test_wpautop_keeps_pre_intact_and_tags_whole():
    out = wpautop('Code:\n\n<pre>line 1\n\n  line 3\n</pre>\n\n<a\nhref="https://ex.org/">link</a> after')
    assert "<pre>line 1\n\n  line 3\n</pre>" in out
    assert '<p><a href="https://ex.org/">link</a> after</p>' in out


def test_wpautop_double_br_and_hr():
    assert wpautop("a<br><br>b") == "<p>a</p>\n<p>b</p>"
    assert wpautop("a\n<hr />\nb") == "<p>a</p>\n<hr />\n<p>b</p>"


# --- classic HTML --------------------------------------------------------------------------------------


def test_classic_body_becomes_blocks():
    body = (
        "First <strong>bold</strong> line\nand a second.\n\n"
        "<h1>Top</h1>\n<h2>Two</h2>\n<h3>Three</h3>\n<h5>Five <em>small</em></h5>\n"
        "<blockquote>One thing from <cite>Capital</cite>.\n\nAnother.\n\n"
        "<cite>— Lucy Parsons</cite></blockquote>\n"
        "<ol><li>first</li><li>second</li></ol>\n"
        "<pre>keep   this</pre>\n<table><tr><td>cell</td></tr></table>\n\n&nbsp;\n\n<p></p>\n"
    )
    converted = convert_body(body)
    assert types(converted) == ["paragraph", "heading", "heading", "heading", "heading", "block_quote",
                                "paragraph", "imported_html", "imported_html"]
    blocks = converted.blocks
    assert blocks[0]["value"] == "<p>First <strong>bold</strong> line<br>\nand a second.</p>"
    assert [b["value"] for b in blocks[1:5]] == [
        {"text": "Top", "level": "h2"}, {"text": "Two", "level": "h2"},
        {"text": "Three", "level": "h3"}, {"text": "Five small", "level": "h3"},
    ]
    assert blocks[5]["value"] == {
        "text": "One thing from Capital.\n\nAnother.", "attribution": "Lucy Parsons",
    }
    assert blocks[6]["value"] == "<ol><li>first</li><li>second</li></ol>"
    assert blocks[7]["value"] == "<pre>keep   this</pre>"
    assert "<td>cell</td>" in blocks[8]["value"]
    assert converted.unknown == [] and converted.image_urls == []


def test_classic_images_resolved_or_kept():
    body = (
        '<p><img class="alignleft wp-image-12" src="https://ex.org/wp-content/uploads/a-300x200.jpg" alt="A">'
        "Text after the image.</p>\n\n"
        'Before <a href="https://ex.org/b.jpg"><img src="https://ex.org/b.jpg" alt="B"></a>\n\n'
        '<img src="https://other.example/c.jpg" alt="C" onerror="alert(1)">'
    )
    converted = convert_body(body, resolve_image=resolver({12: 7}))
    assert types(converted) == ["image", "paragraph", "imported_html", "imported_html"]
    assert converted.blocks[0]["value"] == {
        "image": {"image": 7, "decorative": False, "alt_text": "A"}, "caption": "", "credit": "",
    }
    assert converted.blocks[1]["value"] == "<p>Text after the image.</p><p>Before</p>"  # one block a run
    assert converted.blocks[2]["value"] == '<figure><img src="https://ex.org/b.jpg" alt="B"></figure>'
    assert "onerror" not in converted.blocks[3]["value"]
    assert converted.image_urls == ["https://ex.org/wp-content/uploads/a-300x200.jpg", "https://ex.org/b.jpg",
                                    "https://other.example/c.jpg"]


def test_classic_iframes_and_bare_video_urls():
    body = (
        f"Watch this:\n\n{YOUTUBE}\n\n  {PEERTUBE}  \n\n"
        "https://ex.org/not-a-video\n\n"
        '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" title="Old embed"></iframe>\n\n'
        '<iframe src="https://maps.example/embed?x=1"></iframe>\n\n'
        f"In a sentence {YOUTUBE} stays a sentence."
    )
    converted = convert_body(body)
    assert types(converted) == ["paragraph", "video", "video", "paragraph", "video", "paragraph"]
    assert converted.blocks[1]["value"] == {"url": YOUTUBE, "poster": None, "caption": ""}
    assert converted.blocks[2]["value"]["url"] == PEERTUBE
    assert converted.blocks[4]["value"]["url"] == "https://www.youtube.com/embed/dQw4w9WgXcQ"
    assert converted.blocks[5]["value"] == (
        '<p><a href="https://maps.example/embed?x=1">https://maps.example/embed?x=1</a></p>'
        f"<p>In a sentence {YOUTUBE} stays a sentence.</p>"
    )
    assert converted.blocks[3]["value"] == (
        '<p><a href="https://ex.org/not-a-video">https://ex.org/not-a-video</a></p>'
    )


def test_classic_hostile_html_is_sanitized():
    body = (
        '<p onclick="x()">Hi <a href="jav&#x09;ascript:alert(1)">there</a><script>alert(1)</script></p>\n'
        '<div style="color:red"><svg onload="alert(1)"></svg>plain</div>\n'
        '<table onmouseover="alert(1)"><tr><td><a href="javascript:alert(2)">c</a></td></tr></table>'
    )
    converted = convert_body(body)
    joined = repr(converted.blocks).lower()
    for needle in ("script", "javascript", "onclick", "onload", "onmouseover", "style=", "<svg"):
        assert needle not in joined


# --- shortcodes ----------------------------------------------------------------------------------------


def test_caption_shortcode_becomes_image_with_caption():
    body = (
        'Intro\n\n[caption id="attachment_31" align="aligncenter" width="640"]<a href="https://ex.org/p.jpg">'
        '<img class="size-large wp-image-31" src="https://ex.org/p-640x480.jpg" alt="Pickets" width="640" />'
        "</a> Pickets at the <em>depot</em> gate[/caption]\n\n"
        '[caption id="attachment_99" width="300" caption="Old style caption"]'
        '<img src="https://ex.org/q.jpg" />[/caption]'
    )
    converted = convert_body(body, resolve_image=resolver({31: 4}))
    assert types(converted) == ["paragraph", "image", "imported_html"]
    assert converted.blocks[1]["value"] == {
        "image": {"image": 4, "decorative": False, "alt_text": "Pickets"},
        "caption": "Pickets at the depot gate", "credit": "",
    }
    assert converted.blocks[2]["value"] == (
        '<figure><img src="https://ex.org/q.jpg" alt=""><figcaption>Old style caption</figcaption></figure>'
    )
    assert converted.image_urls == ["https://ex.org/p-640x480.jpg", "https://ex.org/q.jpg"]
    assert converted.unknown == []


@pytest.mark.django_db  # images without alt text take the imported image's own
def test_embed_gallery_and_video_shortcodes():
    body = (
        f"[embed]{YOUTUBE}[/embed]\n\n[embed width=\"500\"]https://ex.org/page[/embed]\n\n"
        '[gallery ids="1,2,3" columns="3"]\n\n[gallery ids="1,9"]\n\n[gallery]\n\n'
        f'[video src="{YOUTUBE}"]\n\n[video mp4="https://ex.org/clip.mp4"][/video]'
    )
    converted = convert_body(body, resolve_image=resolver({1: 11, 2: 12, 3: 13}))
    assert types(converted) == ["video", "paragraph", "image", "image", "image", "image", "imported_html",
                                "imported_html", "video", "imported_html"]
    assert [b["value"]["image"]["image"] for b in converted.blocks[2:6]] == [11, 12, 13, 11]
    assert converted.blocks[6]["value"] == '<p>[gallery ids="1,9"]</p>'
    assert converted.blocks[9]["value"] == (
        '<p><a href="https://ex.org/clip.mp4" rel="noopener noreferrer">https://ex.org/clip.mp4</a></p>'
    )
    assert converted.unknown == ["shortcode [gallery]", "shortcode [video]"]


def test_unknown_shortcodes_kept_and_listed():
    body = (
        'Text before.\n\n[contact-form-7 id="12" title="Contact"]\n\n'
        "[pullquote align=\"right\"]Solidarity <b>forever</b>[/pullquote]\n\n"
        'Inline [footnote note="1"] and [sic] and [1] stay text.'
    )
    converted = convert_body(body)
    assert types(converted) == ["paragraph", "imported_html", "imported_html", "paragraph"]
    assert converted.blocks[1]["value"] == '<p>[contact-form-7 id="12" title="Contact"]</p>'
    assert "Solidarity <b>forever</b>" in converted.blocks[2]["value"]
    assert converted.blocks[3]["value"] == '<p>Inline [footnote note="1"] and [sic] and [1] stay text.</p>'
    assert converted.unknown == [
        "shortcode [contact-form-7]", "shortcode [pullquote]", "shortcode [footnote]",
    ]


# --- block markup --------------------------------------------------------------------------------------

BLOCKS = f"""<!-- wp:paragraph -->
<p>Hello <strong>comrades</strong>, <a href="https://ex.org/" onclick="x()">read</a>.</p>
<!-- /wp:paragraph -->

<!-- wp:heading {{"level":1}} --><h1 class="wp-block-heading">Level one</h1><!-- /wp:heading -->
<!-- wp:heading --><h2 class="wp-block-heading">Level two</h2><!-- /wp:heading -->
<!-- wp:heading {{"level":4}} --><h4 class="wp-block-heading">Level <em>four</em></h4><!-- /wp:heading -->
<!-- wp:image {{"id":42,"sizeSlug":"large"}} -->
<figure class="wp-block-image size-large">
<img src="https://ex.org/up/p-1024x768.jpg" alt="Crowd" class="wp-image-42"/>
<figcaption class="wp-element-caption">The <em>crowd</em></figcaption></figure>
<!-- /wp:image -->
<!-- wp:quote -->
<blockquote class="wp-block-quote"><!-- wp:paragraph --><p>Bread</p><!-- /wp:paragraph -->
<!-- wp:paragraph --><p>and roses</p><!-- /wp:paragraph --><cite>Rose Schneiderman</cite></blockquote>
<!-- /wp:quote -->
<!-- wp:pullquote -->
<figure class="wp-block-pullquote"><blockquote><p>We make the bread.</p><cite>A baker</cite></blockquote>
</figure>
<!-- /wp:pullquote -->
<!-- wp:list {{"ordered":true}} -->
<ol class="wp-block-list"><!-- wp:list-item --><li>One</li><!-- /wp:list-item -->
<!-- wp:list-item --><li>Two</li><!-- /wp:list-item --></ol>
<!-- /wp:list -->
<!-- wp:embed {{"url":"{YOUTUBE}","type":"video","providerNameSlug":"youtube"}} -->
<figure class="wp-block-embed is-type-video"><div class="wp-block-embed__wrapper">
{YOUTUBE}
</div><figcaption>The march</figcaption></figure>
<!-- /wp:embed -->
<!-- wp:embed {{"url":"https://social.example/@desk/1","providerNameSlug":"mastodon"}} -->
<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">https://social.example/@desk/1</div></figure>
<!-- /wp:embed -->
<!-- wp:gallery {{"linkTo":"none"}} -->
<figure class="wp-block-gallery has-nested-images">
<!-- wp:image {{"id":7}} --><figure class="wp-block-image">
<img src="https://ex.org/g1.jpg" alt="G1" class="wp-image-7"/>
</figure><!-- /wp:image -->
<!-- wp:image {{"id":8}} --><figure class="wp-block-image">
<img src="https://ex.org/g2.jpg" alt="G2" class="wp-image-8"/>
</figure><!-- /wp:image --></figure>
<!-- /wp:gallery -->
<!-- wp:separator --><hr class="wp-block-separator has-alpha-channel-opacity"/><!-- /wp:separator -->
<!-- wp:spacer {{"height":"40px"}} -->
<div style="height:40px" aria-hidden="true" class="wp-block-spacer"></div>
<!-- /wp:spacer -->
<!-- wp:more --><!--more--><!-- /wp:more -->
<!-- wp:html --><div class="box"><b>Raw</b> html<script>alert(1)</script></div><!-- /wp:html -->
<!-- wp:jetpack/map {{"points":[{{"title":"Hall {{ }}"}}]}} /-->
<!-- wp:table --><figure class="wp-block-table"><table><tbody><tr><td>Cell</td></tr></tbody></table></figure>
<!-- /wp:table -->
<!-- wp:group {{"layout":{{"type":"constrained"}}}} --><div class="wp-block-group">
<!-- wp:columns --><div class="wp-block-columns"><!-- wp:column --><div class="wp-block-column">
<!-- wp:paragraph --><p>Left column</p><!-- /wp:paragraph --></div><!-- /wp:column -->
<!-- wp:column --><div class="wp-block-column">
<!-- wp:heading {{"level":3}} --><h3>Right</h3><!-- /wp:heading -->
</div><!-- /wp:column --></div><!-- /wp:columns --></div><!-- /wp:group -->
<!-- wp:shortcode -->[gallery ids="7"]<!-- /wp:shortcode -->
<!-- wp:latest-posts {{"postsToShow":3}} /-->
"""


@pytest.mark.django_db  # images without alt text take the imported image's own
def test_block_markup_becomes_blocks():
    converted = convert_body(BLOCKS, resolve_image=resolver({42: 1, 7: 2}))
    assert types(converted) == [
        "paragraph", "heading", "heading", "heading", "image", "block_quote", "pull_quote", "paragraph",
        "video", "paragraph", "image", "imported_html", "imported_html", "imported_html", "paragraph",
        "heading", "image",
    ]
    values = [block["value"] for block in converted.blocks]
    assert values[0] == '<p>Hello <strong>comrades</strong>, <a href="https://ex.org/">read</a>.</p>'
    assert values[1:4] == [{"text": "Level one", "level": "h2"}, {"text": "Level two", "level": "h2"},
                           {"text": "Level four", "level": "h3"}]
    assert values[4] == {"image": {"image": 1, "decorative": False, "alt_text": "Crowd"},
                         "caption": "The crowd", "credit": ""}
    assert values[5] == {"text": "Bread\n\nand roses", "attribution": "Rose Schneiderman"}
    assert values[6] == {"text": "We make the bread.\n— A baker"}
    assert values[7] == "<ol><li>One</li><li>Two</li></ol>"
    assert values[8] == {"url": YOUTUBE, "poster": None, "caption": "The march"}
    assert values[9] == '<p><a href="https://social.example/@desk/1">https://social.example/@desk/1</a></p>'
    assert values[10]["image"]["image"] == 2
    assert values[11] == '<figure><img src="https://ex.org/g2.jpg" alt="G2"></figure>'
    assert values[12] == '<div><b>Raw</b> html</div>'
    assert "<td>Cell</td>" in values[13]
    assert values[14:16] == ["<p>Left column</p>", {"text": "Right", "level": "h3"}]
    assert converted.unknown == ["block wp:jetpack/map", "block wp:table", "block wp:latest-posts"]
    assert converted.image_urls == ["https://ex.org/up/p-1024x768.jpg", "https://ex.org/g1.jpg",
                                    "https://ex.org/g2.jpg"]


def test_block_markup_tolerates_broken_markup():
    body = (
        "Loose classic text\n\nbefore blocks.\n<!-- wp:paragraph --><p>Unclosed paragraph"
        "<!-- /wp:heading --><!-- wp:heading {not json} --><h2>Bad attrs</h2><!-- /wp:heading -->"
    )
    converted = convert_body(body)
    assert types(converted) == ["paragraph", "heading"]
    assert converted.blocks[0]["value"].endswith("<p>Unclosed paragraph</p>")
    assert converted.blocks[1]["value"] == {"text": "Bad attrs", "level": "h2"}


@pytest.mark.parametrize(
    "body", ["", "   \n\n", "<!-- wp:paragraph --><p></p><!-- /wp:paragraph -->", "<p>&nbsp;</p>", "<hr>"]
)
def test_empty_bodies(body):
    assert convert_body(body).blocks == []


def test_first_video_url():
    assert first_video_url(f"Text\n\n[embed]{YOUTUBE}[/embed]") == YOUTUBE
    assert first_video_url(f'<a href="https://ex.org/">x</a> <iframe src="{PEERTUBE}"></iframe>') == PEERTUBE
    assert first_video_url('<!-- wp:embed {"url":"https://youtu.be/dQw4w9WgXcQ"} /-->') == (
        "https://youtu.be/dQw4w9WgXcQ"
    )
    assert first_video_url("https://ex.org/video.mp4 and no video") == ""


# --- the result is a valid, renderable article body ----------------------------------------------------


@pytest.mark.django_db
def test_converted_blocks_validate_and_render(image_factory):
    image = image_factory()
    classic = convert_body(
        "Para <em>one</em>.\n\n<h2>Head</h2>\n\n<blockquote>Q<cite>Who</cite></blockquote>\n\n"
        f'[caption id="attachment_5"]<img src="https://ex.org/a.jpg" alt="Alt" /> Cap[/caption]\n\n'
        f"{YOUTUBE}\n\n"
        "<table><tr><td>cell</td></tr></table>\n\n[unknown-thing x=\"1\"]",
        resolve_image=resolver({5: image.pk}),
    )
    blocks = convert_body(BLOCKS, resolve_image=resolver({42: image.pk, 7: image.pk}))
    stream_block = ArticleBodyBlock()
    for converted in (classic, blocks):
        value = stream_block.to_python(converted.blocks)
        stream_block.clean(value)
        html = stream_block.render(value, context={"page": SimpleNamespace(title="An article")})
        assert '<div class="imported">' in html
        assert "<script" not in html.replace("application/ld+json", "")
        assert "<figure" in html and "youtube" in html


def test_imported_html_block_sanitizes_again_on_render():
    stream_block = ArticleBodyBlock()
    hostile = '<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:alert(1)">x</a></p>'
    value = stream_block.to_python([{"type": "imported_html", "value": hostile}])
    html = stream_block.render(value)
    assert '<div class="imported"><p>Hi<a rel="noopener noreferrer">x</a></p></div>' in html
