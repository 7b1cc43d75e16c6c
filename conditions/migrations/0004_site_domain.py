"""The Site row that sitemaps and redirects use: its domain comes from SITE_DOMAIN (editable later in the admin)."""

import os

from django.conf import settings
from django.db import migrations


def set_site(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={
            "domain": os.environ.get("SITE_DOMAIN", "127.0.0.1:8000"),
            "name": settings.CLINIC_NAME,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0003_condition_wordpress_id"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(set_site, migrations.RunPython.noop)]
