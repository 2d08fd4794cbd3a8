"""Signatures' addresses in the one spelling `samizdat.core.emails.normalize_email` gives.

Addresses were stored stripped and lower-cased, but a domain typed in Unicode (`x@éxample.org`)
was kept as typed, so one mailbox could sign a letter twice (once as `x@xn--xample-9ua.org`).
Each such address is rewritten in its ASCII (punycode) form.

If two signatures of one letter collide, the older (lower id) keeps the normalized address; the
newer keeps its stored spelling and its status, so no signature is deleted, merged or uncounted
(the letter's count stays exact); the migration prints how many it left. (If the newer row
already had the ASCII spelling, it keeps it and the older keeps its Unicode one.)
"""

from django.db import migrations


def normalize(apps, schema_editor):
    from samizdat.core.emails import normalize_stored_emails

    left = normalize_stored_emails(apps.get_model("letters", "Signature"), scope=("letter_id",))
    if left:
        print(f"\n  letters: {len(left)} signature(s) share a normalized address with an older one of "
              f"the same letter and keep their spelling (ids {', '.join(map(str, left))}).")


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(normalize, migrations.RunPython.noop)]
