"""Sending newsletters: render once, one Delivery per recipient, batches in background tasks.

Interface used by the rest of the app (the issue page, the admin, the demo, the tick command).

A send's life: preparing (the Send exists, a task will create its deliveries) → sending
(deliveries exist, batch tasks deliver them) → done (nothing queued or claimed is left).
A delivery's life: queued → claimed (by one worker, with a fresh token) → sent / failed /
skipped. Each delivery is marked sent right after its message left, in its own committed
UPDATE, so a crash can repeat at most the one message in flight (accepted by the mail server
but not yet marked; its fixed Message-ID lets servers drop the copy). Claims of a dead worker go
back to the queue after NEWSLETTER_CLAIM_SECONDS (`resume_stalled_sends`, run by the every-minute
tick); a live worker renews its claim well before that (`renew_claim`).
"""

from __future__ import annotations

import datetime
import logging
import math
import secrets
import smtplib
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Locale, Site

from samizdat.core.outages import ride_out
from samizdat.newsletter import links
from samizdat.newsletter.models import Delivery, MailingList, Send, Subscriber

logger = logging.getLogger(__name__)

# Filled in per recipient at delivery time; the rendered message carries these markers.
UNSUBSCRIBE_URL = "%%unsubscribe_url%%"
PREFERENCES_URL = "%%preferences_url%%"

# How many batch tasks work on one send side by side (more than the workers is harmless).
PARALLEL_BATCH_TASKS = 4
# A batch task hands over to a fresh task after this long, so no task runs for hours.
TASK_SECONDS = 60
# After connection trouble, the batch task tries again this much later (when the backend can defer).
RETRY_SECONDS = 60


def render_message(template_base: str, context: dict) -> tuple[str, str]:
    """Render `<template_base>.html` and `.txt` (which extend newsletter/email/base.*); (html, text).

    The per-recipient links are left as the UNSUBSCRIBE_URL / PREFERENCES_URL markers; the
    templates get them as `unsubscribe_url` and `preferences_url` in the context.
    """
    context = {"unsubscribe_url": UNSUBSCRIBE_URL, "preferences_url": PREFERENCES_URL,
               "outlet_name": outlet_name(), **context}
    return (render_to_string(f"{template_base}.html", context),
            render_to_string(f"{template_base}.txt", context))


def outlet_name() -> str:
    site = Site.objects.filter(is_default_site=True).only("site_name", "hostname").first()
    return (site.site_name or site.hostname) if site else ""


def public_copy(html: str, page_url: str) -> str:
    """A stored message with the per-recipient markers replaced by the newsletter page's URL:
    what a test copy or the web version shows, never a subscriber's own links."""
    return html.replace(UNSUBSCRIBE_URL, page_url).replace(PREFERENCES_URL, page_url)


# --- Sends -------------------------------------------------------------------------------------


def create_issue_send(issue) -> Send | None:
    """Create the send of a published issue to its lists in its language, and start it.

    Idempotent: an issue is sent once (re-publishing sends nothing, returning None). Returns
    None, sending nothing, when the issue has no lists or no body. Only the Send is created
    here; a background task creates the deliveries.
    """
    mailing_lists = list(issue.mailing_lists.all())
    if not mailing_lists or not len(issue.body):
        return None
    if Send.objects.filter(issue=issue).exists():
        return None
    html, text = issue.render_email()
    try:
        with transaction.atomic():
            send = Send.objects.create(kind=Send.Kind.ISSUE, issue=issue, locale_id=issue.locale_id,
                                       subject=issue.title[:255], html=html, text=text,
                                       web_url=issue.get_full_url() or "")
            send.mailing_lists.set(mailing_lists)
    except IntegrityError:  # another request sent it a moment ago
        return None
    enqueue_start(send)
    return send


def enqueue_start(send: Send) -> None:
    """Queue the task that creates the send's deliveries, once the current transaction commits."""
    from samizdat.newsletter.tasks import start_send_task

    transaction.on_commit(lambda: start_send_task.enqueue(send.pk))


def send_test(issue, to: str) -> None:
    """Mail one copy of the issue (its current draft) to `to` now, marked as a test.

    The reader's links point to the newsletter page: a test copy unsubscribes no one.
    """
    html, text = issue.render_email()
    page_url = links.newsletter_page_url(issue.locale) or links.site_root_url()
    message = EmailMultiAlternatives(
        subject=_("[Test] %(subject)s") % {"subject": issue.title},
        body=public_copy(text, page_url), from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
    )
    message.attach_alternative(public_copy(html, page_url), "text/html")
    message.send()


def recipients(send: Send):
    """Confirmed subscribers of any of the send's lists who read its language (each once)."""
    lists = send.mailing_lists.values("pk")
    readers = Subscriber.languages.through.objects.filter(locale_id=send.locale_id).values("subscriber_id")
    return Subscriber.objects.filter(
        status=Subscriber.Status.CONFIRMED,
        pk__in=readers,
    ).filter(pk__in=Subscriber.lists.through.objects.filter(mailing_list__in=lists).values("subscriber_id"))


def start_send(send: Send) -> None:
    """Create the send's deliveries (confirmed subscribers of its lists reading its language)
    and queue the batch tasks; the send moves from preparing to sending.

    One INSERT … SELECT creates all deliveries in the database (100,000 rows in seconds).
    Running it twice does nothing the second time. With no recipients, the send is done at once.
    """
    with transaction.atomic():
        now = timezone.now()
        if not Send.objects.filter(pk=send.pk, status=Send.Status.PREPARING).update(
                status=Send.Status.SENDING, started_at=now):
            return
        ids_sql, params = recipients(send).values("pk").query.sql_with_params()
        delivery = Delivery._meta.db_table
        subscriber = Subscriber._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {delivery} (send_id, subscriber_id, state, claim, attempts, error) "
                f"SELECT %s, id, %s, '', 0, '' FROM {subscriber} WHERE id IN ({ids_sql}) "
                f"ON CONFLICT DO NOTHING",
                [send.pk, Delivery.State.QUEUED, *params],
            )
        count = Delivery.objects.filter(send=send).count()
        Send.objects.filter(pk=send.pk).update(recipient_count=count)
        if not count:
            Send.objects.filter(pk=send.pk).update(status=Send.Status.DONE, finished_at=now)
        send.refresh_from_db()
        if count:
            lanes = min(PARALLEL_BATCH_TASKS, math.ceil(count / settings.NEWSLETTER_BATCH_SIZE))
            transaction.on_commit(lambda: enqueue_batches(send.pk, lanes))


def enqueue_batches(send_id: int, count: int = 1, delay: int = 0) -> None:
    """Queue `count` batch tasks for the send (after `delay` seconds when the backend can wait)."""
    from samizdat.newsletter.tasks import deliver_batch

    task = deliver_batch
    if delay and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + datetime.timedelta(seconds=delay))
    for _lane in range(count):
        task.enqueue(send_id)


def progress(send: Send) -> dict[str, int]:
    """Deliveries of the send by state: {"queued": …, "claimed": …, "sent": …, "failed": …, "skipped": …}."""
    counts = Delivery.objects.filter(send=send).aggregate(**{
        state: Count("pk", filter=Q(state=state)) for state in Delivery.State.values
    })
    return {state: counts[state] or 0 for state in Delivery.State.values}


# --- Delivery ----------------------------------------------------------------------------------


def claim_batch(send_id: int, size: int) -> str | None:
    """Claim up to `size` queued deliveries of the send for this worker; the claim token, or None.

    A conditional UPDATE (queued → claimed): two workers never get the same delivery. On
    PostgreSQL the candidates are picked with SKIP LOCKED so workers do not wait on each other.
    """
    token = secrets.token_hex(16)
    queued = Delivery.objects.filter(send_id=send_id, state=Delivery.State.QUEUED).order_by("pk")
    changes = {"state": Delivery.State.CLAIMED, "claim": token, "claimed_at": timezone.now()}
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            picked = list(queued.select_for_update(skip_locked=True).values_list("pk", flat=True)[:size])
            claimed = Delivery.objects.filter(pk__in=picked, state=Delivery.State.QUEUED).update(**changes)
    else:  # one statement: SQLite runs it alone
        claimed = Delivery.objects.filter(pk__in=queued.values("pk")[:size],
                                          state=Delivery.State.QUEUED).update(**changes)
    return token if claimed else None


@dataclass
class Envelope:
    """What every message of a send shares, worked out once per batch."""

    send: Send
    root_url: str
    page_url: str
    host: str
    list_id: str

    @classmethod
    def of(cls, send: Send) -> Envelope:
        root_url = links.site_root_url()
        host = urlsplit(root_url).hostname or "localhost"
        locale = Locale.objects.filter(pk=send.locale_id).first()
        first_list = send.mailing_lists.order_by("pk").first()
        slug = first_list.slug if first_list else "newsletter"
        name = (first_list.name if first_list else outlet_name()).replace('"', "'")
        return cls(send=send, root_url=root_url, page_url=links.newsletter_page_url(locale) or root_url,
                   host=host, list_id=f'"{name}" <{slug}.{host}>')

    def message(self, subscriber: Subscriber, connection) -> EmailMultiAlternatives:
        language = self.send.locale.language_code
        unsubscribe = links.unsubscribe_url(subscriber.pk, language, self.root_url)
        preferences = links.preferences_url(subscriber.pk, self.page_url)

        def personal(body: str) -> str:
            return body.replace(UNSUBSCRIBE_URL, unsubscribe).replace(PREFERENCES_URL, preferences)

        message = EmailMultiAlternatives(
            subject=self.send.subject, body=personal(self.send.text), from_email=settings.DEFAULT_FROM_EMAIL,
            to=[subscriber.email], connection=connection,
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": self.list_id,
                "Message-ID": f"<newsletter.{self.send.pk}.{subscriber.pk}@{self.host}>",
            },
        )
        message.attach_alternative(personal(self.send.html), "text/html")
        return message


class ConnectionTrouble(Exception):
    """The mail server could not be reached or dropped us: the rest of the batch waits."""


def refused(error: Exception) -> bool:
    """Whether the server refused this recipient for good (a 5xx), not the connection."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    code = getattr(error, "smtp_code", None)
    return isinstance(error, smtplib.SMTPResponseException) and code is not None and 500 <= code < 600 \
        and not isinstance(error, smtplib.SMTPServerDisconnected)


def deliver_claimed(send: Send, token: str) -> dict[str, int]:
    """Send the deliveries claimed with `token` over one connection; each is marked at once.

    Raises ConnectionTrouble after giving the unsent rest of the claim back to the queue.
    """
    done = {"sent": 0, "failed": 0, "skipped": 0}
    claimed = list(Delivery.objects.filter(send_id=send.pk, claim=token, state=Delivery.State.CLAIMED)
                   .select_related("subscriber").only("pk", "subscriber__id", "subscriber__email",
                                                       "subscriber__status").order_by("pk"))
    gone = [d.pk for d in claimed if d.subscriber.status != Subscriber.Status.CONFIRMED]
    if gone:
        done["skipped"] = Delivery.objects.filter(pk__in=gone, claim=token).update(
            state=Delivery.State.SKIPPED, error="No longer subscribed.")
    claimed = [d for d in claimed if d.subscriber.status == Subscriber.Status.CONFIRMED]
    if not claimed:
        return done
    envelope = Envelope.of(send)
    mail = get_connection()
    try:
        mail.open()
    except (OSError, smtplib.SMTPException) as error:
        release(token)
        raise ConnectionTrouble(str(error)) from error
    owned = {delivery.pk for delivery in claimed}
    renewed = time.monotonic()
    try:
        for delivery in claimed:
            if time.monotonic() - renewed > claim_renewal_seconds():
                owned, renewed = renew_claim(token), time.monotonic()
            if delivery.pk not in owned:
                continue  # the claim went stale and the tick gave it to another worker
            mine = Delivery.objects.filter(pk=delivery.pk, claim=token, state=Delivery.State.CLAIMED)
            try:
                envelope.message(delivery.subscriber, mail).send()
            except Exception as error:  # noqa: BLE001 - sorted below: this recipient, or the connection
                if not refused(error):
                    release(token)
                    raise ConnectionTrouble(str(error)) from error
                record(mine, state=Delivery.State.FAILED, error=str(error)[:500], attempts=1)
                done["failed"] += 1
                record_hard_bounce(delivery.subscriber.email, error)
                continue
            record(mine, state=Delivery.State.SENT, sent_at=timezone.now(), attempts=1)
            done["sent"] += 1
    finally:
        try:
            mail.close()
        except (OSError, smtplib.SMTPException):
            pass
    return done


def record(delivery: QuerySet, **changes) -> int:
    """Write what became of a message that left (or was refused), riding out a database restart
    (core.outages): the message is gone, and a lost UPDATE would send it to its reader twice."""
    return ride_out(lambda: delivery.update(**changes), "a delivery")


def claim_renewal_seconds() -> float:
    """How often a worker renews its claim: well inside NEWSLETTER_CLAIM_SECONDS."""
    return max(1.0, settings.NEWSLETTER_CLAIM_SECONDS / 4)


def renew_claim(token: str) -> set[int]:
    """Extend a worker's claim on its unsent deliveries; the ids it still holds.

    A batch that takes longer than NEWSLETTER_CLAIM_SECONDS (a slow relay) would otherwise look
    like a dead worker's: the tick would queue the rest again and two workers would send it.
    Renewing every quarter of that time keeps the claim fresh; rows already given away are not
    renewed and are left to their new worker.
    """
    mine = Delivery.objects.filter(claim=token, state=Delivery.State.CLAIMED)
    mine.update(claimed_at=timezone.now())
    return set(mine.values_list("pk", flat=True))


def release(token: str) -> int:
    """Give a claim's unsent deliveries back to the queue."""
    return Delivery.objects.filter(claim=token, state=Delivery.State.CLAIMED).update(
        state=Delivery.State.QUEUED, claim="", claimed_at=None)


def record_hard_bounce(email: str, error: Exception) -> None:
    """A recipient the server refused for good is a hard bounce: no more sends to it."""
    from samizdat.newsletter.services import record_bounce

    try:
        record_bounce(email, "hard", str(error)[:255])
    except Exception:  # noqa: BLE001 - the delivery's failure is recorded either way
        logger.exception("Could not record the bounce of %s", email)


def finish_if_done(send_id: int) -> bool:
    """Mark the send done when nothing is queued or claimed any more (once)."""
    pending = Delivery.objects.filter(send_id=send_id,
                                      state__in=[Delivery.State.QUEUED, Delivery.State.CLAIMED])
    if pending.exists():
        return False
    return bool(Send.objects.filter(pk=send_id, status=Send.Status.SENDING).update(
        status=Send.Status.DONE, finished_at=timezone.now()))


def deliver_batches(send_id: int, seconds: float = TASK_SECONDS) -> dict[str, int]:
    """What one batch task does: claim a batch, deliver it, again, for up to `seconds`.

    Then a fresh task takes over if anything is still queued. On connection trouble the
    claim goes back to the queue and a task tries again later. Safe to run twice at once.
    """
    totals = {"sent": 0, "failed": 0, "skipped": 0}
    send = Send.objects.select_related("locale").filter(pk=send_id, status=Send.Status.SENDING).first()
    if send is None:
        return totals
    deadline = time.monotonic() + seconds
    while True:
        token = claim_batch(send_id, settings.NEWSLETTER_BATCH_SIZE)
        if token is None:
            if Delivery.objects.filter(send_id=send_id, state=Delivery.State.QUEUED).exists():
                continue  # lost a race for the last rows: try again
            finish_if_done(send_id)
            return totals
        try:
            for key, value in deliver_claimed(send, token).items():
                totals[key] += value
        except ConnectionTrouble as error:
            logger.warning("Send %s: mail server trouble, retrying later: %s", send_id, error)
            if enqueue_later_possible():
                enqueue_batches(send_id, delay=RETRY_SECONDS)
            return totals
        if time.monotonic() > deadline:
            if Delivery.objects.filter(send_id=send_id, state=Delivery.State.QUEUED).exists():
                enqueue_batches(send_id)
            else:
                finish_if_done(send_id)
            return totals


def enqueue_later_possible() -> bool:
    """Whether the task backend can run a retry later; if not, the tick's resume retries."""
    from samizdat.newsletter.tasks import deliver_batch

    return deliver_batch.get_backend().supports_defer


def resume_stalled_sends(now=None) -> int:
    """Give claims older than NEWSLETTER_CLAIM_SECONDS back to the queue and re-queue batch
    tasks for sends with queued deliveries; returns how many deliveries were re-queued."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.NEWSLETTER_CLAIM_SECONDS)
    requeued = Delivery.objects.filter(
        state=Delivery.State.CLAIMED, claimed_at__lte=stale, send__status=Send.Status.SENDING,
    ).update(state=Delivery.State.QUEUED, claim="", claimed_at=None)
    sending = Send.objects.filter(status=Send.Status.SENDING)
    waiting = sending.filter(deliveries__state=Delivery.State.QUEUED).distinct().values_list("pk", flat=True)
    for send_id in list(waiting):
        enqueue_batches(send_id, PARALLEL_BATCH_TASKS)
    for send_id in sending.exclude(pk__in=list(waiting)).values_list("pk", flat=True):
        finish_if_done(send_id)
    for send in Send.objects.filter(status=Send.Status.PREPARING, created_at__lte=stale):
        enqueue_start(send)  # its start task was lost
    return requeued


# --- Digests -----------------------------------------------------------------------------------


def send_due_digests(now=None) -> list[Send]:
    """Start the digests whose time has come; a list with nothing new is skipped (and waits
    for its next time). Returns the sends started."""
    from samizdat.newsletter.digests import start_due_digest

    now = now or timezone.now()
    started: list[Send] = []
    for mailing_list in MailingList.objects.exclude(digest=MailingList.Digest.OFF).select_related(
            "digest_section"):
        started += start_due_digest(mailing_list, now)
    return started
