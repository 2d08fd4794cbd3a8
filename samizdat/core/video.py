"""Turn a video URL into what the click-to-play facade needs.

The facade shows a local poster and a play button; the third-party player is
only loaded when the reader clicks, from `embed_url`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be",
                  "www.youtube-nocookie.com", "youtube-nocookie.com"}
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_PEERTUBE_PATH = re.compile(
    r"^/(?:w|videos/watch|videos/embed)/(?P<id>[A-Za-z0-9-]{8,40})/?$"
)


class UnsupportedVideo(ValueError):
    """The URL is not a YouTube or PeerTube video this site can embed."""


@dataclass(frozen=True)
class VideoEmbed:
    provider: str
    video_id: str
    watch_url: str
    embed_url: str

    @property
    def provider_label(self) -> str:
        return {"youtube": "YouTube", "peertube": "PeerTube"}[self.provider]


def parse_video_url(url: str) -> VideoEmbed:
    """Recognise a YouTube or PeerTube URL, or raise UnsupportedVideo with the reason."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UnsupportedVideo("Enter a full video address starting with https://")
    host = parts.hostname.lower()
    if host in _YOUTUBE_HOSTS:
        video_id = ""
        if host == "youtu.be":
            video_id = parts.path.strip("/")
        elif parts.path == "/watch":
            video_id = parse_qs(parts.query).get("v", [""])[0]
        else:
            match = re.match(r"^/(?:embed|shorts|live)/([^/]+)", parts.path)
            video_id = match.group(1) if match else ""
        if not _YOUTUBE_ID.match(video_id):
            raise UnsupportedVideo("This YouTube address does not name a video.")
        return VideoEmbed(
            provider="youtube",
            video_id=video_id,
            watch_url=f"https://www.youtube.com/watch?v={video_id}",
            embed_url=f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1",
        )
    match = _PEERTUBE_PATH.match(parts.path)
    if match and parts.scheme == "https":
        video_id = match.group("id")
        base = f"https://{parts.netloc}"
        return VideoEmbed(
            provider="peertube",
            video_id=video_id,
            watch_url=f"{base}/w/{video_id}",
            embed_url=f"{base}/videos/embed/{video_id}?autoplay=1",
        )
    raise UnsupportedVideo(
        "Only YouTube and PeerTube videos can be embedded "
        "(e.g. https://www.youtube.com/watch?v=… or https://peertube.example/w/…)."
    )
