"""Background tasks of the newsletter: preparing a send, delivering its batches."""

from __future__ import annotations

from django_tasks import task


@task()
def start_send_task(send_id: int) -> int:
    """Create a send's deliveries and queue its batch tasks; returns its recipient count."""
    from samizdat.newsletter.models import Send
    from samizdat.newsletter.sending import start_send

    send = Send.objects.filter(pk=send_id).first()
    if send is None:
        return 0
    start_send(send)
    send.refresh_from_db()
    return send.recipient_count


@task()
def deliver_batch(send_id: int) -> dict[str, int]:
    """Deliver the send's queued messages, batch by batch (see `sending.deliver_batches`)."""
    from samizdat.newsletter.sending import deliver_batches

    return deliver_batches(send_id)


@task()
def send_newsletters_task() -> dict[str, int]:
    """The every-minute tick: start due digests, resume stalled sends."""
    from samizdat.newsletter.sending import resume_stalled_sends, send_due_digests

    return {"digests": len(send_due_digests()), "requeued": resume_stalled_sends()}
