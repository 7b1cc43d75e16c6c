"""History: every save of a page is a revision (django-reversion), whoever saves it.

The models are registered where they are declared (`@reversion.register`: pages follow their linked rows, so a
revision holds a page with its rows, and leave out their bookkeeping, `UNVERSIONED`, so a restore never rewinds the
edit counter, a reminder or a sign-off). Saves outside the admin get a revision through `connect()`, called in
`ConditionsConfig.ready()`.
"""

import reversion
from django.db.models.signals import post_save

from .models import ClinicianProfile, Condition, ResearchArticle, Treatment

PAGES = (Condition, Treatment, ResearchArticle, ClinicianProfile)


def keep_a_revision_of_every_save(sender, instance, created, raw, **kwargs):
    """Saves outside the admin (importers, scripts, the shell) are kept as revisions too."""
    if raw or reversion.is_active():
        return
    with reversion.create_revision():
        reversion.add_to_revision(instance)
        reversion.set_comment("Created outside the admin" if created else "Saved outside the admin")


def connect():
    for page in PAGES:
        post_save.connect(keep_a_revision_of_every_save, sender=page, dispatch_uid=f"history-{page._meta.label}")
