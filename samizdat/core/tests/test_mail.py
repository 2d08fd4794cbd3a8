"""Outlet mail goes out through a real SMTP server, after commit, in text and HTML."""

from __future__ import annotations

import pytest
from django.db import transaction

from samizdat.core.mail import deliver_mail, send_outlet_mail

pytestmark = pytest.mark.django_db


def test_text_mail_with_reply_to_arrives(smtp_server):
    send_outlet_mail("desk@example.org", "Contact form:\nhello", "volunteers/mail/contact",
                     {"message": {"name": "Ana Ñúñez", "email": "ana@example.org", "subject": "Hi",
                                  "message": "Line one\nLine two"}},
                     reply_to="ana@example.org")
    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert message.envelope_rcpt == ["desk@example.org"]
    assert message["Subject"] == "Contact form: hello"
    assert message["Reply-To"] == "ana@example.org"
    assert not message.is_multipart()
    body = message.get_payload(decode=True).decode(message.get_content_charset())
    assert "Ana Ñúñez <ana@example.org>" in body and "Line two" in body


def test_mail_waits_for_commit(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            transaction.on_commit(lambda: send_outlet_mail("a@example.org", "Hi", "volunteers/mail/contact",
                                                           {"message": {}}))
        assert smtp_server == []
    assert len(smtp_server) == 1


def test_html_alternative(smtp_server):
    result = deliver_mail.enqueue(["a@example.org"], "Hi", "plain", "<p>rich</p>", [])
    assert result.return_value == 1
    message = smtp_server[0]
    assert message.is_multipart()
    assert [part.get_content_type() for part in message.get_payload()] == ["text/plain", "text/html"]


def test_attachment_travels_with_the_text(smtp_server):
    invitation = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    send_outlet_mail("a@example.org", "Your place", "volunteers/mail/contact", {"message": {}},
                     attachments=[("event.ics", invitation, "text/calendar")])
    message = smtp_server[0]
    parts = [part for part in message.walk() if part.get_filename() == "event.ics"]
    assert len(parts) == 1 and parts[0].get_content_type() == "text/calendar"
    assert parts[0].get_payload(decode=True).decode() == invitation
