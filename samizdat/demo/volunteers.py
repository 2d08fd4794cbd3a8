"""Demo content for volunteering and contact: the two pages in both languages, a roster, a message."""

from __future__ import annotations

from datetime import timedelta

from samizdat.core.models import OutletSettings
from samizdat.volunteers.models import (
    ContactMessage,
    ContactPage,
    GetInvolvedPage,
    LanguagePair,
    Skill,
    Volunteer,
)

CONTACT_RECIPIENT = "tips@redledger.example"

INTRO_EN = (
    "We are a small newsroom and we rely on readers who lend a hand. We are looking for translators "
    "into English (from Spanish, Portuguese, French and German above all), copy editors, designers, "
    "video editors and photographers. Tell us what you can do and how much time you have; an editor "
    "will write to you."
)
INTRO_ES = (
    "Somos una redacción pequeña y contamos con lectoras y lectores que echan una mano. Buscamos "
    "traductores al inglés (sobre todo del español, portugués, francés y alemán), correctores, "
    "diseñadores, editores de vídeo y fotógrafos. Cuéntanos qué sabes hacer y cuánto tiempo tienes; "
    "alguien de la redacción te escribirá."
)
CONTACT_EN = ("Tips, corrections, questions about a story: write to us here. We read everything; "
              "for anything sensitive, say so and we will suggest a safer channel.")
CONTACT_ES = ("Pistas, correcciones, preguntas sobre un artículo: escríbenos aquí. Lo leemos todo; "
              "si es algo delicado, dínoslo y te propondremos un canal más seguro.")

VOLUNTEERS = [
    # name, email, city, country, skills, pairs, availability, status, language, days ago
    ("Lucía Ferreira", "lucia@example.org", "Valencia", "Spain", ["translation"],
     [("es", "en", "native"), ("pt", "en", "fluent")], "week", "active", "es", 40),
    ("João Pereira", "joao@example.org", "Porto", "Portugal", ["translation", "photography"],
     [("pt", "en", "native")], "month", "contacted", "en", 12),
    ("Camille Dubois", "camille@example.org", "Lyon", "France", ["translation", "copy_editing"],
     [("fr", "en", "native"), ("de", "en", "working")], "more", "new", "en", 2),
    ("Jonas Becker", "jonas@example.org", "Leipzig", "Germany", ["translation", "video_editing"],
     [("de", "en", "native")], "month", "inactive", "en", 90),
    ("Amara Okafor", "amara@example.org", "Manchester", "United Kingdom", ["design", "web"],
     [], "week", "new", "en", 1),
]


def load(loader) -> None:
    """Add the pages under both homes, a few volunteers, one contact message, the contact address."""
    pages = (
        (GetInvolvedPage, "Get involved", "get-involved", INTRO_EN, "Colabora", "colabora", INTRO_ES),
        (ContactPage, "Contact", "contact", CONTACT_EN, "Contacto", "contacto", CONTACT_ES),
    )
    for model, title, slug, intro, title_es, slug_es, intro_es in pages:
        page = model(title=title, slug=slug, intro=intro, locale=loader.en, live=False, show_in_menus=True)
        loader.home_en.add_child(instance=page)
        page = loader._publish(page)
        translated = page.copy_for_translation(loader.es)
        translated.title, translated.slug, translated.intro = title_es, slug_es, intro_es
        loader._publish(translated)

    skills = {skill.code: skill for skill in Skill.objects.all()}
    for name, email, city, country, codes, pairs, availability, status, language, days in VOLUNTEERS:
        volunteer = Volunteer.objects.create(name=name, email=email, city=city, country=country,
                                             availability=availability, status=status, language=language)
        Volunteer.objects.filter(pk=volunteer.pk).update(created_at=loader.now - timedelta(days=days))
        volunteer.skills.set([skills[code] for code in codes])
        LanguagePair.objects.bulk_create(
            LanguagePair(volunteer=volunteer, from_language=source, to_language=target, level=level)
            for source, target, level in pairs
        )

    ContactMessage.objects.create(
        name="Marta Ruiz", email="marta@example.org", subject="Correction: strike dates",
        message="Hello,\nthe piece on the dockers says the strike began on a Tuesday; it was a Monday.\n"
                "Thanks for the coverage,\nMarta",
    )
    settings = OutletSettings.objects.get(site__is_default_site=True)
    settings.contact_recipient = CONTACT_RECIPIENT
    settings.save()
