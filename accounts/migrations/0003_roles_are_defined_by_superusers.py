"""Administrators no longer edit roles (groups): adding "publish" to their own role would escalate. They still see the
roles and give them to people; only superusers change what a role may do (accounts/admin.py enforces it too)."""

from django.db import migrations

GROUP_EDITING = ("add_group", "change_group", "delete_group")


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Administrator").first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="auth", codename__in=GROUP_EDITING))


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Administrator").first()
    if group:
        group.permissions.add(*Permission.objects.filter(content_type__app_label="auth", codename__in=GROUP_EDITING))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_administrator_permissions")]

    operations = [migrations.RunPython(revoke, grant)]
