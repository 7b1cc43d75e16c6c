from django.apps import AppConfig
from django.core.management.color import no_style
from django.db import connections
from django.db.models.signals import post_migrate


def reset_site_id_sequence(using, **kwargs):
    """Migration 0004 writes Site 1 with its id, which PostgreSQL's id sequence does not see: the next Site added
    in the admin got id 1 again (IntegrityError, a 500). Reset after every migrate, so existing databases heal too."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    from django.contrib.sites.models import Site

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Site]):
            cursor.execute(statement)


class ConditionsConfig(AppConfig):
    name = "conditions"
    verbose_name = "Clinic content"

    def ready(self):
        from .cache import connect_signals

        connect_signals()  # any saved, deleted or re-linked content empties the page cache
        post_migrate.connect(reset_site_id_sequence, sender=self, dispatch_uid="conditions-reset-site-sequence")
