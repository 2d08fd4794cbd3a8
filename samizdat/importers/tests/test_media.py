"""Attachments: reading files from a local uploads copy or a base URL, storing them, URL variants."""

from __future__ import annotations

import io
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from samizdat.importers.wordpress.media import MediaMissing, StoredMedia, store_attachment, url_variants
from samizdat.importers.wordpress.records import Item

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def picture(fmt: str = "JPEG", color=(20, 120, 60), size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def attachment(relative: str, **fields) -> Item:
    meta = fields.pop("meta", {})
    return Item(post_id=fields.pop("post_id", 77), post_type="attachment", status="inherit",
                title=fields.pop("title", "Picket line at dawn"),
                attachment_url=f"https://old.example.org/wp-content/uploads/{relative}", meta=meta, **fields)


@pytest.fixture
def uploads(tmp_path) -> Path:
    root = tmp_path / "uploads"
    (root / "2024" / "05").mkdir(parents=True)
    (root / "2024" / "05" / "picket.jpg").write_bytes(picture())
    (root / "2024" / "05" / "banner.png").write_bytes(picture("PNG", (200, 10, 10)))
    (root / "2024" / "05" / "minutes.pdf").write_bytes(PDF)
    (root / "2024" / "05" / "fake.jpg").write_bytes(b"<html>not a picture</html>")
    return root


@pytest.mark.django_db
def test_local_images_and_documents_keep_their_metadata(uploads):
    from wagtail.documents import get_document_model

    from samizdat.core.models import OutletImage

    meta = {"_wp_attachment_image_alt": "Workers holding a banner",
            "_wp_attachment_metadata": 'a:1:{s:10:"image_meta";a:1:{s:6:"credit";s:9:"Ana Ruiz.";}}'}
    jpg = store_attachment(attachment("2024/05/picket.jpg", meta=meta), media_dir=uploads, base_url=None)
    assert jpg.kind == "image"
    image = OutletImage.objects.get(pk=jpg.pk)
    assert (image.title, image.description) == ("Picket line at dawn", "Workers holding a banner")
    assert image.credit == "Ana Ruiz."
    assert (image.width, image.height) == (40, 30)
    assert Path(image.file.name).name == "picket.jpg"

    png = store_attachment(attachment("2024/05/banner.png", title="", meta={"_credit": "Union archive"}),
                           media_dir=uploads, base_url=None)
    banner = OutletImage.objects.get(pk=png.pk)
    assert (banner.title, banner.description, banner.credit) == ("banner.png", "banner.png", "Union archive")

    pdf = store_attachment(attachment("2024/05/minutes.pdf", title="Meeting minutes"),
                           media_dir=uploads, base_url=None)
    document = get_document_model().objects.get(pk=pdf.pk)
    assert pdf.kind == "document" and document.title == "Meeting minutes"
    assert Path(document.file.name).name == "minutes.pdf"
    with document.file.open("rb") as handle:
        assert handle.read() == PDF


@pytest.mark.django_db
def test_reruns_keep_unchanged_files_and_replace_changed_ones(uploads):
    from samizdat.core.models import OutletImage

    item = attachment("2024/05/picket.jpg")
    first = store_attachment(item, media_dir=uploads, base_url=None)
    again = store_attachment(item, media_dir=uploads, base_url=None, existing=first)
    assert again == first and OutletImage.objects.count() == 1
    renamed = attachment("2024/05/picket.jpg", title="Picket line at noon")
    assert store_attachment(renamed, media_dir=uploads, base_url=None, existing=first) == first
    assert OutletImage.objects.get(pk=first.pk).title == "Picket line at noon"

    (uploads / "2024" / "05" / "picket.jpg").write_bytes(picture(size=(80, 50)))
    changed = store_attachment(item, media_dir=uploads, base_url=None, existing=first)
    assert changed == first and OutletImage.objects.count() == 1
    assert OutletImage.objects.get(pk=first.pk).width == 80

    gone = StoredMedia("image", first.pk + 1000)
    assert store_attachment(item, media_dir=uploads, base_url=None, existing=gone).pk != gone.pk


def test_the_path_comes_from_wp_attached_file_when_the_url_has_no_uploads(uploads):
    item = Item(post_id=5, post_type="attachment", status="inherit", title="x",
                attachment_url="https://cdn.example.org/files/other.jpg",
                meta={"_wp_attached_file": "2024/05/fake.jpg"})
    with pytest.raises(MediaMissing, match=r"2024/05/fake.jpg is not an image"):
        store_attachment(item, media_dir=uploads, base_url=None)


@pytest.mark.parametrize("relative", ["../../etc/passwd", "2024/../../../secret.jpg"])
def test_paths_climbing_out_are_refused(uploads, relative):
    with pytest.raises(MediaMissing, match="unsafe"):
        store_attachment(attachment(relative), media_dir=uploads, base_url=None)
    absolute = Item(post_id=5, post_type="attachment", status="inherit",
                    meta={"_wp_attached_file": "/etc/passwd"})
    with pytest.raises(MediaMissing, match="unsafe"):
        store_attachment(absolute, media_dir=uploads, base_url=None)


def test_symlinks_out_of_the_uploads_are_refused(uploads, tmp_path):
    (tmp_path / "outside.jpg").write_bytes(picture())
    os.symlink(tmp_path / "outside.jpg", uploads / "2024" / "05" / "link.jpg")
    with pytest.raises(MediaMissing, match="outside"):
        store_attachment(attachment("2024/05/link.jpg"), media_dir=uploads, base_url=None)


def test_a_missing_file_names_the_path(uploads):
    with pytest.raises(MediaMissing, match=r"file not found: .*2024/05/nowhere\.jpg"):
        store_attachment(attachment("2024/05/nowhere.jpg"), media_dir=uploads, base_url=None)
    with pytest.raises(MediaMissing, match=r"2024/05/nowhere\.jpg: no --media-dir"):
        store_attachment(attachment("2024/05/nowhere.jpg"), media_dir=None, base_url=None)


class Uploads(BaseHTTPRequestHandler):
    """A tiny WordPress uploads server: a picture, a redirect, an HTML page posing as a picture."""

    files = {"/up/2024/05/picket.jpg": picture(), "/up/2024/05/fake.jpg": b"<html>login</html>"}

    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path == "/up/2024/05/moved.jpg":
            self.send_response(301)
            self.send_header("Location", "/up/2024/05/picket.jpg")
            self.end_headers()
            return
        if self.path == "/up/2024/05/ftp.jpg":
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/picket.jpg")
            self.end_headers()
            return
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Uploads)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/up"
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_fetched_from_a_base_url(base_url):
    from samizdat.core.models import OutletImage

    stored = store_attachment(attachment("2024/05/picket.jpg"), media_dir=None, base_url=base_url)
    assert OutletImage.objects.get(pk=stored.pk).width == 40
    moved = store_attachment(attachment("2024/05/moved.jpg"), media_dir=None, base_url=base_url + "/")
    assert OutletImage.objects.get(pk=moved.pk).width == 40


@pytest.mark.parametrize(("relative", "message"), [
    ("2024/05/absent.jpg", r"absent\.jpg answered 404"),
    ("2024/05/fake.jpg", r"fake\.jpg is not an image"),
    ("2024/05/ftp.jpg", "non-http"),
])
def test_base_url_failures_are_clear(base_url, relative, message):
    with pytest.raises(MediaMissing, match=message):
        store_attachment(attachment(relative), media_dir=None, base_url=base_url)


def test_too_big_and_non_http_are_refused(base_url):
    with pytest.raises(MediaMissing, match="too big"):
        store_attachment(attachment("2024/05/picket.jpg"), media_dir=None, base_url=base_url, max_bytes=100)
    with pytest.raises(MediaMissing, match="only http and https"):
        store_attachment(attachment("2024/05/picket.jpg"), media_dir=None, base_url="file:///etc")


def test_the_local_copy_is_tried_before_the_base_url(uploads, base_url, tmp_path):
    with pytest.raises(MediaMissing, match=r"file not found: .*fake2\.jpg; .*fake2\.jpg answered 404"):
        store_attachment(attachment("2024/05/fake2.jpg"), media_dir=uploads, base_url=base_url)


@pytest.mark.parametrize(("url", "original"), [
    ("https://ex.org/wp-content/uploads/2024/05/photo-300x200.jpg", "https://ex.org/wp-content/uploads/2024/05/photo.jpg"),
    ("https://ex.org/wp-content/uploads/2024/05/photo-scaled.jpg", "https://ex.org/wp-content/uploads/2024/05/photo.jpg"),
    ("https://ex.org/uploads/photo-e1234567890123.png?ver=2", "https://ex.org/uploads/photo.png"),
    ("https://ex.org/uploads/photo-e1234567890123-1024x768.jpg", "https://ex.org/uploads/photo.jpg"),
    ("https://ex.org/uploads/may-day-2024.jpg", None),
    ("https://ex.org/uploads/1920x1080.jpg", None),
])
def test_url_variants(url, original):
    assert url_variants(url) == ([url, original] if original else [url])
    assert url_variants("") == []
