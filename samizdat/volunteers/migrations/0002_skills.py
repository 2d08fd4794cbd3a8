"""The fixed list of skills, as rows the roster can filter on."""

from django.db import migrations

CODES = ["translation", "copy_editing", "design", "video_editing", "photography", "writing", "social_media",
         "web"]


def add_skills(apps, schema_editor):
    Skill = apps.get_model("volunteers", "Skill")
    for code in CODES:
        Skill.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(add_skills, migrations.RunPython.noop)]
