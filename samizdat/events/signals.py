"""When an event is published with more seats (or none limited), those waiting get them."""

from __future__ import annotations

from django.dispatch import receiver
from wagtail.signals import page_published

from samizdat.events.models import EventPage


@receiver(page_published, sender=EventPage)
def give_freed_seats(sender, instance: EventPage, **kwargs) -> None:
    from samizdat.events.services import fill_freed_seats

    fill_freed_seats(instance)
