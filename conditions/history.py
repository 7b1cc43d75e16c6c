"""History: every save of a page is a revision (django-reversion), whoever saves it.

The models are registered where they are declared (`@reversion.register`: pages follow their linked rows, so a
revision holds a page with its rows, and leave out their bookkeeping, `UNVERSIONED`, so a restore never rewinds the
edit counter, a reminder or a sign-off). Saves outside the admin get a revision through `connect()`, called in
`ConditionsConfig.ready()`.
"""

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.encoding import is_protected_type
from reversion.models import Revision, Version

from clinic.bulk import columns_of, insert_rows

from .models import UNVERSIONED, ClinicianProfile, Condition, ResearchArticle, Treatment

PAGES = (Condition, Treatment, ResearchArticle, ClinicianProfile)


def keep_a_revision_of_every_save(sender, instance, created, raw, **kwargs):
    """Saves outside the admin (importers, scripts, the shell) are kept as revisions too."""
    if raw or reversion.is_active():
        return
    with reversion.create_revision():
        reversion.add_to_revision(instance)
        reversion.set_comment("Created outside the admin" if created else "Saved outside the admin")


def _field_values(obj, fields):
    """What Django's "python" serializer gives for these fields (no natural keys), without its per-object
    machinery: a protected type (number, date, None, a foreign key's id) stays as it is, the rest is text."""
    values = {}
    for field in fields:
        value = field.value_from_object(obj)
        values[field.name] = value if is_protected_type(value) else field.value_to_string(obj)
    return values


def record_new_pages(pages, rows, user=None, comment="", revision=None):
    """Pages created in bulk (an import: `bulk_create` sends no post_save) and their followed rows, as one revision.

    `rows`: each page's linked rows as written ({relation: [rows]}). The versions are exactly what
    `reversion.add_to_revision` stores (Django's JSON serializer: non-ASCII text as it is, a final newline), written
    in a constant number of queries as plain rows: Django's serializer reads each many-to-many field with one query
    per object, and a new page has no many-to-many links yet, so they are written as empty lists instead of being
    read. Added to `revision` when given (an import in batches), else to a new one; returns the revision.
    """
    if not pages:
        return revision
    by_model = {type(pages[0]): pages}
    for page_rows in rows:
        for relation_rows in page_rows.values():
            for row in relation_rows:
                by_model.setdefault(type(row), []).append(row)
    user = user if user is not None and user.pk else None
    if revision is None:
        revision = Revision.objects.create(date_created=timezone.now(), user=user, comment=comment)
    encode = DjangoJSONEncoder(ensure_ascii=False).encode  # as django.core.serializers.json writes
    versions = []
    for model, objects in by_model.items():
        opts, content_type = model._meta.concrete_model._meta, ContentType.objects.get_for_model(model)
        fields = [field for field in opts.local_fields if field.serialize and field.name not in UNVERSIONED]
        no_links = {field.name: [] for field in opts.local_many_to_many if field.name not in UNVERSIONED}
        for obj in objects:
            data = {"model": opts.label_lower, "pk": obj.pk, "fields": _field_values(obj, fields) | no_links}
            versions.append(
                (revision.pk, str(obj.pk), content_type.pk, obj._state.db or "default", "json",
                 encode([data]) + "\n", str(obj))
            )  # fmt: skip
    insert_rows(Version, columns_of(Version), versions)
    return revision


def connect():
    for page in PAGES:
        post_save.connect(keep_a_revision_of_every_save, sender=page, dispatch_uid=f"history-{page._meta.label}")
