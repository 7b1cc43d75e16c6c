"""How long a request may wait for PostgreSQL: a public page briefly, the admin and management commands longer.

Every session starts with DB_STATEMENT_TIMEOUT_MS and DB_LOCK_TIMEOUT_MS (connection options, settings/base.py):
what editors' saves, imports and maintenance need. A public page reads a few rows in milliseconds, so waiting seconds
for a lock (a migration, VACUUM FULL, LOCK TABLE) or a slow server only holds a thread; with every thread of a worker
held, its cached pages and /healthz queued too. Public reads (GET and HEAD outside the staff pages) therefore run with
PUBLIC_DB_LOCK_TIMEOUT_MS and PUBLIC_DB_STATEMENT_TIMEOUT_MS: a timeout answers the cached copy or a 503 with
Retry-After (clinic/outage.py) and trips the breaker (clinic/db_health.py), so the next requests fail at once.

The setting is changed only when a connection taken from the pool was last set for the other kind of request: one
round trip per switch, none on a run of public pages.
"""

from contextvars import ContextVar

from django.conf import settings

from .requests import is_public_read

_public_read = ContextVar("db_budget_public_read", default=False)


class PublicReadBudgetMiddleware:
    """Marks a public read for the duration of the request; its connections get the public timeouts (`apply`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _public_read.set(is_public_read(request))
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)


def timeouts():
    """(statement_timeout, lock_timeout) in milliseconds for the current request, or None outside a public read:
    the session's own, from the connection options."""
    if not _public_read.get():
        return None
    return settings.PUBLIC_DB_STATEMENT_TIMEOUT_MS, settings.PUBLIC_DB_LOCK_TIMEOUT_MS


def apply(sender, connection, **kwargs):
    """connection_created receiver (ClinicConfig.ready): set this request's timeouts on the connection Django took."""
    if connection.vendor != "postgresql":
        return
    wanted = timeouts()
    raw = connection.connection
    if getattr(raw, "clinic_timeouts", None) == wanted:
        return
    with connection.cursor() as cursor:
        if wanted is None:  # back to the connection options' values
            cursor.execute("RESET statement_timeout; RESET lock_timeout")
        else:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, false), set_config('lock_timeout', %s, false)",
                [str(wanted[0]), str(wanted[1])],
            )
    raw.clinic_timeouts = wanted
