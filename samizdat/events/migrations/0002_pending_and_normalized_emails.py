"""Registrations wait for their address to be confirmed ("pending"); addresses in one spelling.

Existing registrations keep their status: they were made before confirmation by email existed.

Addresses were stored stripped but as typed, so `X@Example.org`, `x@éxample.org` and
`x@xn--xample-9ua.org` could be different registrants. Each is rewritten in the spelling
`samizdat.core.emails.normalize_email` gives (lower case, the domain in ASCII/punycode).
Cancelled registrations are all rewritten (they hold no seat and no unique key). Among the live
ones of an event, two rows can collide only through a domain spelled both ways: the older row
(lower id) gets the normalized address and keeps its seat; the newer keeps its stored spelling,
its status and its seat, so nothing is deleted, merged or moved on the waiting list, and the
migration prints the ids it left for an editor to look at. (If the newer row already had the
normalized spelling, it keeps it and the older keeps its own.)
"""

from django.db import migrations, models


def normalize(apps, schema_editor):
    from samizdat.core.emails import normalize_stored_emails

    registration = apps.get_model("events", "Registration")
    left = normalize_stored_emails(registration, scope=("event_id",),
                                   unique_rows=registration.objects.exclude(status="cancelled"))
    if left:
        print(f"\n  events: {len(left)} live registration(s) share a normalized address with an older one "
              f"of the same event and keep their spelling (ids {', '.join(map(str, left))}).")


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='registration',
            name='email',
            field=models.EmailField(help_text='Stored in lower case, the domain in ASCII.', max_length=254,
                                    verbose_name='email'),
        ),
        migrations.AlterField(
            model_name='registration',
            name='status',
            field=models.CharField(choices=[('pending', 'Waiting for confirmation'), ('confirmed', 'Confirmed'),
                                            ('waiting', 'Waiting list'), ('cancelled', 'Cancelled')],
                                   default='confirmed', editable=False, max_length=10, verbose_name='status'),
        ),
        migrations.RunPython(normalize, migrations.RunPython.noop),
    ]
