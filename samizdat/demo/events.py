"""Demo content for events: the index in both languages, two online forums, a past meeting, registrants."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from samizdat.events.models import EventIndexPage, EventPage, Registration, wall_clock_to_utc

INTRO_EN = ("Public forums and meetings run by the newsroom and its readers. Online forums are free; "
            "register to get the link.")
INTRO_ES = ("Foros y reuniones abiertas de la redacción y sus lectores. Los foros en línea son gratuitos; "
            "inscríbete para recibir el enlace.")

FORUM_EN = (
    "<p>Three reporters who have covered the front line and the towns behind it talk about what the war "
    "has done to workers on both sides: wages, conscription, the unions that still meet. Then your "
    "questions.</p>"
)
FORUM_ES = (
    "<p>Tres periodistas que han cubierto el frente y los pueblos de la retaguardia cuentan qué ha hecho "
    "la guerra con los trabajadores de ambos lados: salarios, reclutamiento, los sindicatos que aún se "
    "reúnen. Después, tus preguntas.</p>"
)
MEETING_EN = (
    "<p>An evening with the dockers' strike committee: how the vote was won, what the bosses offered, and "
    "what comes next. Tea and sandwiches from the strike kitchen.</p>"
)

REGISTRANTS = [
    # name, email, organization, country, language, attended (past event only)
    ("Zoë Ñandú", "zoe@example.org", "Nurses' Union, Local 7", "United States", "en", True),
    ("李小龍", "li@example.org", "", "Canada", "en", True),
    ("Amal Haddad", "amal@example.org", "Port Workers' Solidarity", "Lebanon", "en", False),
]


def _at(day: datetime, hour: int, zone: str) -> datetime:
    return wall_clock_to_utc(datetime.combine(day.date(), time(hour, 0)), zone)


def load(loader) -> None:
    """An "Events" index per language, two upcoming forums, one past meeting, a few registrants."""
    index = EventIndexPage(title="Events", slug="events", intro=INTRO_EN, locale=loader.en, live=False,
                           show_in_menus=True)
    loader.home_en.add_child(instance=index)
    index = loader._publish(index)
    index_es = index.copy_for_translation(loader.es)
    index_es.title, index_es.slug, index_es.intro = "Eventos", "eventos", INTRO_ES
    index_es = loader._publish(index_es)

    now = getattr(loader, "now", None) or timezone.now()
    forum_day = now + timedelta(weeks=3)
    forum_start = _at(forum_day, 16, "America/Los_Angeles")
    forum = EventPage(
        title="Forum: the war and the workers", slug="forum-war-and-workers", locale=loader.en, live=False,
        summary="Reporters from the front line on what the war has done to workers; your questions after.",
        description=FORUM_EN, time_zone="America/Los_Angeles", starts_at=forum_start,
        ends_at=forum_start + timedelta(minutes=90), format=EventPage.Format.ONLINE, language="en",
        organizers="The Red Ledger international desk", capacity=300,
        join_url="https://meet.example.org/red-ledger-forum-war",
        registration_deadline=forum_start - timedelta(hours=1),
        thanks="See you there. Bring a question.",
    )
    index.add_child(instance=forum)
    forum = loader._publish(forum)

    foro_start = _at(forum_day + timedelta(days=15), 18, "America/Mexico_City")
    foro = EventPage(
        title="Foro: la guerra y los trabajadores", slug="foro-la-guerra-y-los-trabajadores",
        locale=loader.es, live=False,
        summary="Periodistas del frente cuentan qué ha hecho la guerra con los trabajadores.",
        description=FORUM_ES, time_zone="America/Mexico_City", starts_at=foro_start,
        ends_at=foro_start + timedelta(minutes=90), format=EventPage.Format.ONLINE, language="es",
        organizers="Redacción internacional de The Red Ledger", capacity=300,
        join_url="https://meet.example.org/red-ledger-foro-guerra",
    )
    index_es.add_child(instance=foro)
    loader._publish(foro)

    meeting_start = _at(now - timedelta(days=40), 19, "Europe/London")
    meeting = EventPage(
        title="Meet the dockers' strike committee", slug="meet-the-strike-committee", locale=loader.en,
        live=False, summary="How the dockers won their strike vote, told by the committee.",
        description=MEETING_EN, time_zone="Europe/London", starts_at=meeting_start,
        ends_at=meeting_start + timedelta(hours=2), format=EventPage.Format.IN_PERSON, language="en",
        venue="Seafarers' Hall", address="12 Dock Road, Liverpool L3 4AA, United Kingdom",
        organizers="The Red Ledger and the Dockers' Strike Committee", capacity=80,
    )
    index.add_child(instance=meeting)
    meeting = loader._publish(meeting)

    for number, (name, email, organization, country, language, attended) in enumerate(REGISTRANTS):
        for event, when, came in ((forum, now - timedelta(days=2, hours=number), False),
                                  (meeting, meeting_start - timedelta(days=5 + number), attended)):
            Registration.objects.create(event=event, name=name, email=email, organization=organization,
                                        country=country, language=language, created_at=when, attended=came,
                                        status=Registration.Status.CONFIRMED)
