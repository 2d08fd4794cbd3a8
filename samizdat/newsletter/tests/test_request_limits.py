"""The footer's subscribe form takes a reader's few fields, not megabytes: a body over
PUBLIC_MAX_BODY_BYTES gets a 413 page (unread when its length is declared, counted as it is read
when it is sent chunked) and stores nothing; a normal post still subscribes."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from samizdat.newsletter.models import Subscriber
from samizdat.newsletter.tests.conftest import subscribing

pytestmark = pytest.mark.django_db

QUICK = "/newsletter/subscribe/"


def quick(**overrides) -> dict:
    return subscribing(languages=None, lists=None, quick="on", **overrides)


def chunked(client, path: str, body: bytes):
    """POST `body` as a server hands over a chunked request: no Content-Length, the input
    marked as ending where the body ends (wsgi.input_terminated, as gunicorn sets it)."""
    stream = {"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True}
    return client.generic("POST", path, b"x", content_type="application/x-www-form-urlencoded",
                          CONTENT_LENGTH="", **stream)


def test_a_20_mb_multipart_post_to_the_footer_form_is_refused_and_stores_nothing(
        client, outlet, newsletter, smtp_server):
    upload = SimpleUploadedFile("big.bin", b"\0" * (20 * 1024 * 1024), "application/octet-stream")
    response = client.post(QUICK, {**quick(), "attachment": upload})
    assert response.status_code == 413
    page = response.content.decode()
    assert "Too much sent" in page and "The Test Ledger" in page  # the site's design, not a bare error
    assert not Subscriber.objects.exists() and not smtp_server

    padded = client.post(QUICK, quick(email="zoe@example.org" + " " * 70_000))
    assert padded.status_code == 413 and not Subscriber.objects.exists()

    normal = client.post(QUICK, quick())
    assert normal.status_code == 302 and normal["Location"] == f"{newsletter.url}?sent=1"
    assert Subscriber.objects.get().email == "zoe@example.org" and len(smtp_server) == 1


def test_a_chunked_body_is_counted_as_it_is_read(client, outlet, newsletter, smtp_server, settings):
    too_big = urlencode({**quick(), "padding": "x" * settings.PUBLIC_MAX_BODY_BYTES}).encode()
    response = chunked(client, QUICK, too_big)
    assert response.status_code == 413 and "Too much sent" in response.content.decode()
    assert not Subscriber.objects.exists() and not smtp_server

    fine = chunked(client, QUICK, urlencode(quick()).encode())
    assert fine.status_code == 302 and Subscriber.objects.get().email == "zoe@example.org"


def test_too_many_fields_in_a_small_body_are_refused_too(client, outlet, newsletter, smtp_server, settings):
    fields = "&".join(f"f{number}=" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    body = urlencode(quick()) + "&" + fields
    settings.PUBLIC_MAX_BODY_BYTES = len(body) + 1  # not too many bytes: too many fields
    response = client.generic("POST", QUICK, body.encode(), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and not Subscriber.objects.exists()
