"""The clinic's three roles as groups. Administrators add people to them in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT = ("condition", "treatment", "researcharticle")
PARTS = ("conditiontreatment", "conditionarticle", "articleauthor")  # edited through inlines

ROLES = {
    # Writes and edits content; cannot publish, delete pages or touch accounts.
    "Editor": [f"conditions.{action}_{model}" for model in CONTENT for action in ("add", "change", "view")]
    + [f"conditions.{action}_{model}" for model in PARTS for action in ("add", "change", "delete", "view")],
    # Everything an editor does, plus publishing, review dates and deleting content.
    "Medical reviewer": [f"conditions.{action}_{model}" for model in CONTENT for action in ("add", "change", "view", "delete")]
    + [f"conditions.{action}_{model}" for model in PARTS for action in ("add", "change", "delete", "view")]
    + [f"conditions.publish_{model}" for model in CONTENT],
    # Manages staff accounts and their groups; may read content but not change it.
    "Administrator": [f"auth.{action}_{model}" for model in ("user", "group") for action in ("add", "change", "delete", "view")]
    + ["auth.view_permission"]
    + [f"conditions.view_{model}" for model in CONTENT + PARTS],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
