"""Administrators keep the clinician profiles (a reviewer's sign-off shows the name and credentials from there)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = {
    "Administrator": ["add_clinician", "change_clinician", "delete_clinician", "view_clinician"],
    "Medical reviewer": ["view_clinician"],
    "Editor": ["view_clinician"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="clinicians", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("clinicians", "0001_initial"), ("conditions", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
