"""Administrators also set the security policy, unlock locked-out accounts and manage staff authenticators."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    ("accounts", "view_securitypolicy"),
    ("accounts", "change_securitypolicy"),
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),  # deleting the attempts unlocks the account
    ("axes", "view_accesslog"),
    ("axes", "view_accessfailurelog"),
    ("otp_totp", "view_totpdevice"),
    ("otp_totp", "delete_totpdevice"),  # e.g. a lost phone: the person sets up a new app at next sign-in
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Administrator")
    for app_label, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Administrator").first()
    if group:
        for app_label, codename in PERMISSIONS:
            group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("conditions", "0002_roles"),
        ("axes", "0010_accessattemptexpiration"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
