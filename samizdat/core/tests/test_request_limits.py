"""Request body caps by path (samizdat.core.limits): every public address takes a reader's form,
not megabytes (413 in the site's design); the fediverse inbox and webhooks have their own larger
caps; the admin keeps Django's and Wagtail's, so editors still upload large files."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", [
    "/", "/labor/", "/es/", "/newsletter/subscribe/", "/es/newsletter/subscribe/", "/search/",
    "/no-such-page/", "/newsletter/unsubscribe/1_abc/", "/documents/1/x.pdf",
    "/_util/authenticate_with_password/1/1/",
])
def test_public_addresses_refuse_a_large_body_unread(client, outlet, path, settings):
    body = b"x=" + b"y" * settings.PUBLIC_MAX_BODY_BYTES
    response = client.post(path, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    text = response.content.decode()
    title = "Envío demasiado grande" if path.startswith("/es/") else "Too much sent"
    assert title in text and "The Test Ledger" in text


def test_a_small_body_is_not_refused(client, outlet):
    response = client.post("/labor/", {"x": "y" * 1000})
    assert response.status_code == 405  # a section takes no POST: the page's own answer


def test_the_inbox_and_webhooks_have_their_own_caps(client, outlet, settings):
    body = b"{" + b" " * (200 * 1024) + b"}"  # over the public cap, under theirs
    inbox = client.post("/ap/inbox", body, content_type="application/activity+json")
    assert inbox.status_code != 413
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    stripe = client.post("/campaigns/stripe/webhook/", body, content_type="application/json")
    assert stripe.status_code == 400 and b"Signature" in stripe.content
    over = client.post("/ap/inbox", b" " * (settings.FEDERATION_MAX_INBOX_BYTES + 1),
                       content_type="application/activity+json")
    assert over.status_code == 413


def test_a_chunked_body_over_the_inbox_cap_gets_the_inbox_s_413(client, outlet, settings):
    body = b" " * (settings.REQUEST_BODY_LIMITS["/ap/"] + 1)
    stream = {"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True}
    response = client.generic("POST", "/ap/inbox", b"x", content_type="application/activity+json",
                              CONTENT_LENGTH="", **stream)
    assert response.status_code == 413 and "larger than" in response.json()["error"]


def test_editors_still_upload_large_documents(boss, outlet):
    from wagtail.documents import get_document_model

    size = 20 * 1024 * 1024
    upload = SimpleUploadedFile("annual-report.pdf", b"%PDF-1.4\n" + b"0" * size, "application/pdf")
    response = boss.post("/admin/documents/add/", {"title": "Annual report", "file": upload,
                                                   "collection": "1"})
    assert response.status_code == 302, response.content[:2000]
    document = get_document_model().objects.get(title="Annual report")
    assert document.file.size == size + 9
