"""Recognising the videos the click-to-play facade can show."""

from __future__ import annotations

import pytest

from samizdat.core.video import UnsupportedVideo, parse_video_url


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
        "https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=42",
    ],
)
def test_youtube_addresses_play_from_the_no_cookie_domain(url):
    video = parse_video_url(url)
    assert video.provider == "youtube"
    assert video.video_id == "dQw4w9WgXcQ"
    assert video.embed_url.startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")


@pytest.mark.parametrize(
    "url",
    [
        "https://peertube.example/w/9c9de5e8-0a1e-484a-b099-e80766180a6d",
        "https://peertube.example/videos/watch/9c9de5e8-0a1e-484a-b099-e80766180a6d",
        "https://peertube.example/w/kkGMgK9ZtnKfYAgnEtQxbv",
    ],
)
def test_peertube_addresses_embed_from_their_own_instance(url):
    video = parse_video_url(url)
    assert video.provider == "peertube"
    assert video.embed_url.startswith("https://peertube.example/videos/embed/")


@pytest.mark.parametrize(
    "url",
    ["", "not a url", "ftp://youtube.com/watch?v=x", "https://www.youtube.com/watch?v=",
     "https://vimeo.com/123456", "javascript:alert(1)", "http://peertube.example/w/kkGMgK9ZtnKfYAgnEtQxbv"],
)
def test_other_addresses_are_refused_with_a_reason(url):
    with pytest.raises(UnsupportedVideo) as error:
        parse_video_url(url)
    assert str(error.value)
