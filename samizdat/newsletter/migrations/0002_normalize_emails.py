"""Subscribers' addresses in the one spelling `samizdat.core.emails.normalize_email` gives.

Addresses were stored stripped and lower-cased, but a domain typed in Unicode (`x@éxample.org`)
was kept as typed, so the same mailbox could also arrive as `x@xn--xample-9ua.org` and be a
second subscriber. Each such address is rewritten in its ASCII (punycode) form.

If two subscribers collide (one address in both spellings), the older row (lower id) keeps the
normalized address; the newer keeps its stored spelling, with its lists, consents and history:
nothing is deleted or merged, and the migration prints how many rows it left so an editor can
look at them. (If the newer row already had the ASCII spelling, it keeps it and the older keeps
its Unicode one.)
"""

from django.db import migrations


def normalize(apps, schema_editor):
    from samizdat.core.emails import normalize_stored_emails

    left = normalize_stored_emails(apps.get_model("newsletter", "Subscriber"))
    if left:
        print(f"\n  newsletter: {len(left)} subscriber(s) share a normalized address with an older one "
              f"and keep their spelling (ids {', '.join(map(str, left))}).")


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0001_initial")]

    operations = [migrations.RunPython(normalize, migrations.RunPython.noop)]
