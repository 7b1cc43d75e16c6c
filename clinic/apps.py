from django.apps import AppConfig
from django.core.management.color import no_style
from django.core.signals import request_finished
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate

from .db_budget import apply as apply_db_budget
from .middleware import clear_request_id


def reset_site_id_sequence(using, **kwargs):
    """A migration writes Site 1 with its id, which PostgreSQL's id sequence does not see: the next Site added in the
    admin got id 1 again (IntegrityError, a 500). Reset after every migrate, so existing databases heal too."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    from django.contrib.sites.models import Site  # noqa: PLC0415 - django.contrib.sites' models, once apps are ready

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Site]):
            cursor.execute(statement)


class ClinicConfig(AppConfig):
    """The site itself: page cache, outage answers, media rules, backups, health probes (no models of its own)."""

    name = "clinic"
    verbose_name = "Site"

    def ready(self):
        from django.contrib.redirects.models import Redirect  # noqa: PLC0415 - models exist once apps are ready
        from django.contrib.sites.models import Site  # noqa: PLC0415

        from .cache import watch  # noqa: PLC0415

        watch(Redirect, Site)  # old addresses and the site's domain appear on public pages
        request_finished.connect(clear_request_id, dispatch_uid="clinic-clear-request-id")
        post_migrate.connect(reset_site_id_sequence, dispatch_uid="clinic-reset-site-sequence")
        connection_created.connect(apply_db_budget, dispatch_uid="clinic-db-budget")
