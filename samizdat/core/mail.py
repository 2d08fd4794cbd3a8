"""Mail the outlet sends: rendered from templates now, delivered by a background task.

Services call `send_outlet_mail` inside `transaction.on_commit`, so nothing leaves before the
data it talks about is saved, and a slow mail server never holds up a reader's request.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django_tasks import task


@task()
def deliver_mail(to: list[str], subject: str, text: str, html: str | None = None,
                 reply_to: list[str] | None = None,
                 attachments: list[tuple[str, str, str]] | None = None) -> int:
    """Send one message through Django's mail backend; returns how many were sent.

    `attachments` are (filename, text content, MIME type) triples, e.g. an `.ics` invitation.
    """
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=to, reply_to=reply_to or None,
    )
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    return message.send()


def send_outlet_mail(to: str | list[str], subject: str, template_base: str, context: dict,
                     reply_to: str | list[str] | None = None,
                     attachments: list[tuple[str, str, str]] | None = None) -> None:
    """Render `<template_base>.txt` (and `.html` if it exists) and enqueue their delivery."""
    recipients = [to] if isinstance(to, str) else list(to)
    replies = [reply_to] if isinstance(reply_to, str) else list(reply_to or [])
    text = render_to_string(f"{template_base}.txt", context)
    try:
        html = render_to_string(f"{template_base}.html", context)
    except TemplateDoesNotExist:
        html = None
    subject = " ".join(str(subject).split())  # no line breaks in a header
    deliver_mail.enqueue(recipients, subject, text, html, replies, list(attachments or []))
