"""What the site answers while PostgreSQL is unreachable: the last cached copy of a public page, else a branded 503.

Never a traceback, never a query: the 503 page is rendered without a request (so no context processor runs) and
the cached copy comes from the page cache (clinic/cache.py), which lives in Redis or in files (CACHE_DIR), never
in the database. A page withdrawn or deleted before the outage is never brought back (`cached_copy`).
Once the database is known to be down, requests fail at once rather than waiting for a connection, and the database
is probed in the background until it answers (clinic/db_health.py): no restart, and recovery within a moment.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

from clinic.cache import cached_copy
from clinic.db_health import DatabaseDown

logger = logging.getLogger("clinic.outage")

try:  # psycopg's pool raises PoolTimeout when no connection comes within OPTIONS["pool"]["timeout"] seconds
    from psycopg_pool import PoolTimeout
except ImportError:  # pragma: no cover - psycopg[pool] is a requirement; SQLite-only installs may lack it
    DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
else:
    DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, PoolTimeout)


# SQLite reports a missing table (an unapplied migration: a bug) as an OperationalError too; only these are outages.
SQLITE_OUTAGES = ("database is locked", "unable to open database", "disk I/O error")


def is_database_unavailable(exception):
    if not isinstance(exception, DATABASE_UNAVAILABLE_ERRORS):
        return False
    cause = exception.__cause__
    if cause is not None and type(cause).__module__ == "sqlite3":
        return any(text in str(cause) for text in SQLITE_OUTAGES)
    return True


def outage_response(request, exception):
    """The cached copy of the page if there is one, else the branded 503 with Retry-After."""

    if not isinstance(exception, DatabaseDown):  # known down: logged once by db_health, not once per request
        logger.error(
            "Database unavailable: %s",
            type(exception).__name__,
            extra={"method": request.method, "path": request.path, "error": str(exception).strip()[:300]},
        )
    cached = cached_copy(request)
    if cached is not None:
        return cached
    return service_unavailable()


def service_unavailable():
    body = loader.get_template("503.html").render({"clinic_name": settings.CLINIC_NAME})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
