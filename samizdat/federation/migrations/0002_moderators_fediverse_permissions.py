"""Moderators, who approve and publish, also look after the fediverse in the admin: followers,
replies to moderate, deliveries and blocked servers. Editors get nothing here by default."""

from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = (
    ("follower", "view"),
    ("reply", "view"),
    ("reply", "change"),
    ("delivery", "view"),
    ("blockeddomain", "view"),
    ("blockeddomain", "add"),
    ("blockeddomain", "change"),
    ("blockeddomain", "delete"),
)


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    permissions = []
    for model, action in PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label="federation", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=f"{action}_{model}", defaults={"name": f"Can {action} {model}"})
        permissions.append(permission)
    for group in Group.objects.filter(name=GROUP):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, action in PERMISSIONS]
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="federation",
                                                            codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("federation", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
