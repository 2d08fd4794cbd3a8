"""A full media disk: an editor uploading an image or a document gets a clear error, nothing is
half-stored, and the same upload works once there is space again.

The media folder is a real small filesystem: a 1 MB tmpfs mounted for the test (we run as root
in CI and here), filled up with a file until the kernel says ENOSPC. Where mounting is not
allowed, a non-root run uses a read-only folder instead (chmod: EACCES, the same path in the
code); a root run that cannot mount skips (root writes through any mode bits).
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage


def jpeg(name: str = "strike.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (300, 200), (180, 30, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def files_in(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


@pytest.fixture
def full_media(tmp_path, settings):
    """MEDIA_ROOT on a full filesystem; yields a function that frees the space again."""
    media = tmp_path / "media"
    media.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(media)],
                             capture_output=True).returncode == 0
    filler = media / "filler"
    if mounted:
        with open(filler, "wb") as fill:
            try:
                while True:
                    fill.write(b"\0" * 65536)
                    fill.flush()
            except OSError as error:
                assert error.errno == errno.ENOSPC
    elif os.geteuid() != 0:
        media.chmod(0o555)
    else:
        pytest.skip("cannot mount a small tmpfs here, and root writes to a read-only folder")
    settings.MEDIA_ROOT = media

    def free() -> None:
        if mounted:
            filler.unlink()
        else:
            media.chmod(0o755)

    yield free
    if mounted:
        subprocess.run(["umount", "-l", str(media)], check=False)
    else:
        media.chmod(0o755)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # autocommit, as served
def test_a_full_media_disk_gives_the_editor_a_clear_error_and_stores_nothing(boss, full_media, settings):
    from wagtail.documents.models import Document

    from samizdat.core.models import OutletImage

    media = Path(settings.MEDIA_ROOT)
    before = files_in(media)

    # The image form: a page in the admin's design saying what happened, not a 500.
    response = boss.post(reverse("wagtailimages:add"), {"title": "Strikers", "file": jpeg()})
    assert response.status_code == 507
    page = response.content.decode()
    assert "could not be stored" in page and "Nothing was saved" in page and "wagtail" in page.lower()
    assert not OutletImage.objects.exists() and files_in(media) == before  # no row, no partial file

    # The multiple uploader (XHR) shows the message beside the file.
    response = boss.post(reverse("wagtailimages:add_multiple"), {"files[]": jpeg()},
                         headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200
    assert response.json()["success"] is False and "could not be stored" in response.json()["error_message"]
    assert not OutletImage.objects.exists() and files_in(media) == before

    # A document.
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n" + b"x" * 4096, content_type="application/pdf")
    response = boss.post(reverse("wagtaildocs:add"), {"title": "Report", "file": upload})
    assert response.status_code == 507 and "could not be stored" in response.content.decode()
    assert not Document.objects.exists() and files_in(media) == before

    # Space is back: the same uploads work.
    full_media()
    response = boss.post(reverse("wagtailimages:add"), {"title": "Strikers", "file": jpeg()})
    assert response.status_code == 302, response.content.decode()[:2000]
    image = OutletImage.objects.get()
    assert (media / image.file.name).is_file()
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n" + b"x" * 4096, content_type="application/pdf")
    response = boss.post(reverse("wagtaildocs:add"), {"title": "Report", "file": upload})
    assert response.status_code == 302
    assert (media / Document.objects.get().file.name).is_file()
