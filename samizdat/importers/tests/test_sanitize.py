"""Sanitizing imported HTML: hostile inputs lose everything executable, ordinary markup survives."""

from __future__ import annotations

import pytest

from samizdat.core.sanitize import sanitize_html, sanitize_rich_text

HOSTILE = [
    '<script>alert(1)</script>',
    '<img src="https://example.org/a.jpg" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href="  JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
    '<img src="javascript:alert(1)">',
    '<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)">x</a></svg>',
    '<svg onload="alert(1)"><animate onbegin="alert(1)"/></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<style>body{display:none}</style><p>after</p>',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">',
    '<form action="https://evil.example/"><input name="q">'
    '<button formaction="javascript:alert(1)">go</button></form>',
    '<div onclick="alert(1)" onmouseover="alert(1)">text</div>',
    '<<script>script>alert(1)<</script>/script>',
    '<a href="https://ok.example/" target="_blank" onfocus="alert(1)" autofocus>ok</a>',
    '<!--<script>alert(1)</script>--><p>c</p>',
    '<base href="javascript:alert(1)//"><meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]


def _assert_harmless(out: str) -> None:
    lowered = out.lower()
    for needle in ("<script", "javascript:", "vbscript:", "data:", " on", "style=", "<style", "<iframe",
                   "<svg", "<math", "<object", "<embed", "<form", "<base", "<meta", "srcdoc"):
        assert needle not in lowered, (needle, out)


@pytest.mark.parametrize("html", HOSTILE)
def test_hostile_html_is_neutralized(html):
    _assert_harmless(sanitize_html(html))
    _assert_harmless(sanitize_rich_text(html))


def test_ordinary_markup_survives_and_links_get_rel():
    html = (
        '<h2>Head</h2><p>Some <strong>bold</strong>, <em>italic</em> and '
        '<a href="https://ex.org/a">a link</a> or <a href="mailto:desk@ex.org">mail</a>, a '
        '<a href="/2024/05/slug/">relative</a> one.</p>'
        '<figure><img src="https://ex.org/p.jpg" alt="A photo" width="300">'
        "<figcaption>Cap</figcaption></figure>"
        '<table><thead><tr><th scope="col">H</th></tr></thead><tbody><tr><td colspan="2">1</td></tr></tbody>'
        '</table><ul><li>one</li></ul><ol start="3"><li>three</li></ol><pre>a  b</pre>'
    )
    out = sanitize_html(html)
    assert '<a href="https://ex.org/a" rel="noopener noreferrer">a link</a>' in out
    assert '<a href="mailto:desk@ex.org" rel="noopener noreferrer">mail</a>' in out
    assert 'href="/2024/05/slug/"' in out
    assert '<img src="https://ex.org/p.jpg" alt="A photo" width="300">' in out
    assert "<figcaption>Cap</figcaption>" in out
    assert '<th scope="col">H</th>' in out and '<td colspan="2">1</td>' in out
    assert '<ol start="3">' in out and "<pre>a  b</pre>" in out and "<h2>Head</h2>" in out


def test_images_need_an_http_source():
    assert sanitize_html('<img src="ftp://ex.org/a.jpg" alt="a">') == '<img alt="a">'
    assert sanitize_html('<img src="/uploads/a.jpg" alt="a">') == '<img alt="a">'
    assert sanitize_html('<img src="http://ex.org/a.jpg">') == '<img src="http://ex.org/a.jpg">'


def test_links_keep_only_http_and_mailto():
    assert sanitize_html('<a href="ftp://ex.org/">f</a>') == '<a rel="noopener noreferrer">f</a>'
    assert sanitize_html('<a href="tel:+123">t</a>') == '<a rel="noopener noreferrer">t</a>'


def test_rich_text_is_stricter():
    html = (
        '<h2>Head</h2><p><b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <sup>1</sup> <sub>2</sub><br>'
        '<a href="https://ex.org/" title="t">l</a> <span class="x">span</span> <u>u</u></p>'
        '<img src="https://ex.org/p.jpg"><table><tr><td>cell</td></tr></table><ul><li>li</li></ul>'
    )
    out = sanitize_rich_text(html)
    assert out == (
        'Head<p><b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <sup>1</sup> <sub>2</sub><br>'
        '<a href="https://ex.org/">l</a> span u</p>cell<ul><li>li</li></ul>'
    )


def test_empty_input():
    assert sanitize_html("") == ""
    assert sanitize_rich_text(None) == ""
