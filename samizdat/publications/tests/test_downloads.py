"""A locally made PDF is downloaded through the site and counted: one row a day, no personal data."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import BaseViewRestriction, Collection, CollectionViewRestriction

from samizdat.demo.pdf import minimal_pdf
from samizdat.publications.models import DownloadCount
from samizdat.publications.services import download_totals, record_download
from samizdat.publications.tests.conftest import make_document

pytestmark = pytest.mark.django_db


def test_minimal_pdf_has_correct_xref_offsets():
    data = minimal_pdf("Red (Ledger)", ["Line one", "Ñandú \\ line"])
    assert data.startswith(b"%PDF-1.4\n") and data.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\n(\d+)\n", data).group(1))
    assert data[startxref:].startswith(b"xref\n0 7\n")
    entries = re.findall(rb"(\d{10}) 00000 n ", data[startxref:])
    assert len(entries) == 6
    for number, offset in enumerate(entries, start=1):
        assert data[int(offset):].startswith(b"%d 0 obj\n" % number)
    length = int(re.search(rb"/Length (\d+) >>\nstream\n", data).group(1))
    start = data.index(b"stream\n") + len(b"stream\n")
    assert data[start + length:].startswith(b"\nendstream")


def download(client, document):
    response = client.get(document.url)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_download_through_the_site_is_counted(client, catalogue):
    document = catalogue.pdf
    with open(document.file.path, "rb") as handle:
        original = handle.read()
    body = download(client, document)
    assert body == original and body.startswith(b"%PDF-1.4")
    assert DownloadCount.objects.get(document=document).count == 1
    download(client, document)
    rows = list(DownloadCount.objects.filter(document=document))
    assert len(rows) == 1 and rows[0].count == 2 and rows[0].day == datetime.date.today()
    assert client.head(document.url).status_code == 200
    assert DownloadCount.objects.get(document=document).count == 2
    assert download_totals()[0]["total"] == 2


def test_counting_keeps_no_personal_data():
    fields = {field.name for field in DownloadCount._meta.get_fields()}
    assert fields == {"id", "document", "day", "count"}


def test_record_download_updates_atomically_after_the_first(catalogue):
    day = datetime.date(2026, 1, 5)
    record_download(catalogue.pdf.pk, day)
    with CaptureQueriesContext(connection) as captured:
        record_download(catalogue.pdf.pk, day)
    assert len(captured) == 1 and captured[0]["sql"].upper().startswith("UPDATE")
    record_download(catalogue.pdf.pk, day + datetime.timedelta(days=1))
    assert sorted(DownloadCount.objects.values_list("count", flat=True)) == [1, 2]


def test_admin_report_lists_totals(admin_client, client, catalogue):
    download(client, catalogue.pamphlet_pdf)
    response = admin_client.get("/admin/reports/downloads/")
    assert response.status_code == 200
    assert b"Why Unions" in response.content
    assert client.get("/admin/reports/downloads/").status_code == 302


@pytest.mark.parametrize("restriction", [BaseViewRestriction.PASSWORD, BaseViewRestriction.LOGIN])
def test_restricted_documents_are_never_served_as_media_files(client, restriction):
    """A document in a restricted collection: its file is unreachable under /media/ by any spelling,
    and /documents/ asks for the password or a login and counts nothing until then."""
    members = Collection.get_first_root_node().add_child(name="Members only")
    CollectionViewRestriction.objects.create(collection=members, restriction_type=restriction,
                                             password="solidarity")
    document = make_document("Internal bulletin", "internal.pdf")
    document.collection = members
    document.save()
    name = document.file.name
    assert name.startswith("documents/")
    for path in (name, name.replace("documents/", "images/../documents/"), "./" + name, "/" + name,
                 name.replace("/", "\\\\")):
        response = client.get(f"/media/{path}")
        assert response.status_code == 404, path
    response = client.get(document.url)
    assert response.status_code in (200, 302)
    assert not getattr(response, "streaming", False) and b"%PDF" not in response.content
    assert not DownloadCount.objects.filter(document=document).exists()
    if restriction == BaseViewRestriction.PASSWORD:
        assert b'name="password"' in response.content
    else:
        assert "login" in response["Location"]


def test_images_are_still_served_as_media_files(client, outlet):
    rendition = outlet.image.get_rendition("width-100")
    assert client.get(rendition.url).status_code == 200
