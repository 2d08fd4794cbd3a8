"""Business rules: signing volunteers up and receiving contact messages."""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from samizdat.core.mail import send_outlet_mail
from samizdat.volunteers.models import ContactMessage, LanguagePair, Skill, Volunteer


@transaction.atomic
def register_volunteer(data: dict, site_name: str = "") -> Volunteer:
    """Store a volunteer, their skills and language pairs; mail them a confirmation after commit.

    `data` is a VolunteerForm's cleaned_data (pairs already grouped under "pairs").
    """
    volunteer = Volunteer.objects.create(
        name=data["name"].strip(),
        email=data["email"],
        city=data.get("city", "").strip(),
        country=data.get("country", "").strip(),
        availability=data.get("availability") or Volunteer.Availability.MONTHLY,
        note=data.get("note", "").strip(),
        language=get_language() or settings.LANGUAGE_CODE,
    )
    codes = list(data.get("skills", []))
    for code in codes:
        Skill.objects.get_or_create(code=code)
    volunteer.skills.set(Skill.objects.filter(code__in=codes))
    pairs = [LanguagePair(volunteer=volunteer, **pair) for pair in data.get("pairs", [])]
    LanguagePair.objects.bulk_create(pairs)
    context = {"volunteer": volunteer, "site_name": site_name, "skills": volunteer.skill_list(),
               "pairs": list(volunteer.language_pairs.all())}
    subject = _("Thank you for offering to help %(site)s") % {"site": site_name} if site_name else \
        _("Thank you for offering to help")
    transaction.on_commit(lambda: send_outlet_mail(volunteer.email, subject, "volunteers/mail/welcome",
                                                   context))
    return volunteer


def contact_recipient(outlet_settings) -> str:
    """Where contact messages go: the configured address, the public email, else DEFAULT_FROM_EMAIL."""
    return (outlet_settings.contact_recipient or outlet_settings.public_email
            or parseaddr(settings.DEFAULT_FROM_EMAIL)[1])


@transaction.atomic
def receive_contact_message(data: dict, outlet_settings) -> ContactMessage:
    """Store a contact message, then mail it to the newsroom with Reply-To set to the sender."""
    message = ContactMessage.objects.create(
        name=data["name"].strip(), email=data["email"], subject=data["subject"].strip(),
        message=data["message"].strip(),
    )
    recipient = contact_recipient(outlet_settings)
    subject = _("Contact form: %(subject)s") % {"subject": message.subject}
    transaction.on_commit(lambda: send_outlet_mail(recipient, subject, "volunteers/mail/contact",
                                                   {"message": message}, reply_to=message.email))
    return message
