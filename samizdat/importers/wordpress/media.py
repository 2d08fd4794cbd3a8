"""Attachments: find an attachment's file (a local copy of wp-content/uploads, or a base URL) and store it.

Images become `core.OutletImage`s, anything else a Wagtail document. Re-running with the record of a
previous import (`existing`) leaves an unchanged file alone and replaces a changed one in place.
"""

from __future__ import annotations

import hashlib
import io
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from django.core.files import File
from django.core.files.images import ImageFile
from PIL import Image, UnidentifiedImageError

from .records import Item

MAX_BYTES = 50 * 1024 * 1024
TIMEOUT = 20
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".bmp", ".tif", ".tiff"}
UPLOADS_MARKERS = ("/wp-content/uploads/", "/uploads/")
# WordPress's resized and edited copies: photo-300x200.jpg, photo-scaled.jpg, photo-e1712345678901.jpg
VARIANT_SUFFIX = re.compile(r"(?:-\d+x\d+|-scaled|-rotated|-e\d{10,})+$")
PHP_CREDIT = re.compile(r's:6:"credit";s:\d+:"([^"]*)";')


@dataclass
class StoredMedia:
    """What an attachment became: an OutletImage or a Wagtail document, by primary key."""

    kind: Literal["image", "document"]
    pk: int


class MediaMissing(Exception):
    """The attachment's file could not be read; the message says which file and where it looked."""


def relative_paths(item: Item) -> list[str]:
    """Where the file sits under wp-content/uploads: from the URL, then from `_wp_attached_file`."""
    candidates = []
    path = urllib.parse.unquote(urllib.parse.urlsplit(item.attachment_url).path)
    for marker in UPLOADS_MARKERS:
        if marker in path:
            candidates.append(path.split(marker, 1)[1])
            break
    attached = item.meta.get("_wp_attached_file", "").strip()
    if attached:
        candidates.append(attached)
    return list(dict.fromkeys(c.strip() for c in candidates if c.strip()))


def _safe_relative(relative: str) -> PurePosixPath:
    """The relative path, refused when it is absolute or climbs out with `..`."""
    path = PurePosixPath(relative.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts or re.match(r"^[A-Za-z]:", relative):
        raise MediaMissing(f"refused unsafe attachment path {relative!r}")
    return path


def read_local(relative: str, media_dir: Path) -> bytes:
    """The file's bytes from the local uploads copy, never from outside `media_dir`."""
    root = Path(media_dir).resolve()
    target = (root / _safe_relative(relative)).resolve()
    if not target.is_relative_to(root):
        raise MediaMissing(f"refused {relative!r}: it leads outside {root}")
    if not target.is_file():
        raise MediaMissing(f"file not found: {target}")
    size = target.stat().st_size
    if size > MAX_BYTES:
        raise MediaMissing(f"{target} is too big ({size} bytes, limit {MAX_BYTES})")
    return target.read_bytes()


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http and https addresses."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, f"redirect to non-http {newurl}", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_HttpOnlyRedirects)


def fetch(url: str, *, max_bytes: int | None = None, timeout: float = TIMEOUT) -> bytes:
    """Download `url` (http/https only), refusing anything bigger than `max_bytes`."""
    limit = MAX_BYTES if max_bytes is None else max_bytes
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise MediaMissing(f"refused {url}: only http and https addresses are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": "Samizdat WordPress importer"})
    try:
        with _opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > limit:
                raise MediaMissing(f"{url} is too big ({length} bytes, limit {limit})")
            data = response.read(limit + 1)
    except urllib.error.HTTPError as error:
        raise MediaMissing(f"{url} answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise MediaMissing(f"{url} timed out after {timeout} s") from None
        raise MediaMissing(f"could not fetch {url}: {error.reason}") from None
    except TimeoutError:
        raise MediaMissing(f"{url} timed out after {timeout} s") from None
    except OSError as error:
        raise MediaMissing(f"could not fetch {url}: {error}") from None
    if len(data) > limit:
        raise MediaMissing(f"{url} is too big (over {limit} bytes)")
    return data


def read_attachment(item: Item, *, media_dir: Path | None, base_url: str | None,
                    max_bytes: int | None = None) -> tuple[str, bytes]:
    """The attachment's relative path and bytes, from `media_dir` first, else from `base_url`."""
    relatives = relative_paths(item)
    if not relatives:
        raise MediaMissing(f"attachment {item.post_id} names no file (url {item.attachment_url!r})")
    if media_dir is None and not base_url:
        raise MediaMissing(f"{relatives[0]}: no --media-dir or --media-base-url to read it from")
    tried = []
    for relative in relatives:
        if media_dir is not None:
            try:
                return relative, read_local(relative, media_dir)
            except MediaMissing as error:
                tried.append(str(error))
        if base_url:
            try:
                url = base_url.rstrip("/") + "/" + urllib.parse.quote(str(_safe_relative(relative)))
                return relative, fetch(url, max_bytes=max_bytes)
            except MediaMissing as error:
                tried.append(str(error))
    raise MediaMissing("; ".join(dict.fromkeys(tried)))


def _image_credit(item: Item) -> str:
    credit = item.meta.get("_credit", "").strip()
    if not credit:
        found = PHP_CREDIT.search(item.meta.get("_wp_attachment_metadata", ""))
        credit = found.group(1).strip() if found else ""
    return credit[:255]


def _check_image(data: bytes, relative: str) -> None:
    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise MediaMissing(f"{relative} is not an image ({error})") from None


def store_attachment(item: Item, *, media_dir: Path | None, base_url: str | None,
                     existing: StoredMedia | None = None, max_bytes: int | None = None) -> StoredMedia:
    """Store the attachment's file as an image or document.

    With `existing`, update it in place: the file only when its bytes changed (size and Wagtail's
    SHA-1 `file_hash`), the title, alt text and credit when they changed.
    """
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    relative, data = read_attachment(item, media_dir=media_dir, base_url=base_url, max_bytes=max_bytes)
    filename = PurePosixPath(relative).name
    kind: Literal["image", "document"] = (
        "image" if PurePosixPath(filename).suffix.lower() in IMAGE_EXTENSIONS else "document"
    )
    if kind == "image":
        _check_image(data, relative)
    model = get_image_model() if kind == "image" else get_document_model()
    title = (item.title or filename)[:255]
    size, digest = len(data), hashlib.sha1(data).hexdigest()  # noqa: S324 - Wagtail's own file_hash

    fields = {"title": title}
    if kind == "image":
        fields["description"] = (item.meta.get("_wp_attachment_image_alt", "").strip() or title)[:255]
        fields["credit"] = _image_credit(item)
    obj = None
    if existing is not None and existing.kind == kind:
        obj = model.objects.filter(pk=existing.pk).first()
    if obj is not None and obj.file_size == size and obj.file_hash == digest:
        changed = [name for name, value in fields.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, fields[name])
            obj.save(update_fields=changed)
        return StoredMedia(kind, obj.pk)
    if obj is None:
        obj = model()
    elif kind == "image":
        obj.renditions.all().delete()
    for name, value in fields.items():
        setattr(obj, name, value)
    if kind == "image":
        obj.file = ImageFile(io.BytesIO(data), name=filename)
    else:
        obj.file = File(io.BytesIO(data), name=filename)
    obj.file_size, obj.file_hash = size, digest
    obj.save()
    return StoredMedia(kind, obj.pk)


def url_variants(url: str) -> list[str]:
    """`url` and the original it was resized or edited from ("photo-300x200.jpg" → "photo.jpg")."""
    if not url:
        return []
    parts = urllib.parse.urlsplit(url)
    path = PurePosixPath(parts.path)
    variants = [url]
    stem = VARIANT_SUFFIX.sub("", path.stem)
    if stem and stem != path.stem:
        original = str(path.with_name(stem + path.suffix))
        variants.append(urllib.parse.urlunsplit(parts._replace(path=original, query="", fragment="")))
    return variants
