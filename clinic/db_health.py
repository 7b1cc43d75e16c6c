"""Is PostgreSQL reachable? Known per process, so an outage costs requests nothing and recovery takes a moment.

Without this, every request during an outage waited for the pool's timeout (3 s) for a connection that could not
come, holding a thread: cached pages and /healthz queued behind them. And psycopg's pool retries a lost server at
growing intervals (about 1, 3, 7, 15, 31 s), so the longer the outage, the longer pages kept failing after it.

- The first connection failure marks the database *down* (`mark_down`): from then on opening a connection fails at
  once (`raise_if_down`, called by the `clinic.postgresql` backend), which the outage handler turns into the cached
  copy or the 503 with Retry-After. Queries already running are not affected.
  Failures are seen where they happen: in a query, or in the pool's own threads (`watched_connection_class`).
  Requests already waiting for a connection give up within `WAIT_SLICE` seconds (`FailFastPool`).
- A background thread (one per process and database) then tries a fresh connection every `PROBE_INTERVAL`
  seconds. The first that succeeds replaces the pool (a failing pool's growing backoff schedule is thrown away with
  it) and marks the database *up*: pages answer 200 within a fraction of a second of PostgreSQL accepting
  connections, whatever the length of the outage.

A statement timeout or a lock is not an outage: those fail one request (503), never mark the database down.
"""

import logging
import threading
import time

import psycopg
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, OperationalError, connections, transaction
from psycopg_pool import ConnectionPool, PoolTimeout

logger = logging.getLogger("clinic.db_health")

PROBE_INTERVAL = 0.2
WAIT_SLICE = 0.1
PROBE_CONNECT_TIMEOUT = 1
# SQLSTATEs of a server that is going away or not there yet: class 08 (connection exception) and 57P01-57P03
# (admin shutdown, crash shutdown, cannot connect now). A client-side failure (refused, reset) has none.
OUTAGE_SQLSTATES = ("08", "57P01", "57P02", "57P03")

_down = {}  # alias -> monotonic time it was marked down
_lock = threading.Lock()
_connection_classes = {}


class DatabaseDown(OperationalError):
    """Raised instead of trying to connect while this process knows the database is unreachable."""


def is_down(alias="default"):
    return alias in _down


def raise_if_down(alias):
    if alias in _down:
        raise DatabaseDown(f"database {alias!r} is unreachable (retried in the background)")


def is_connection_failure(error):
    """A psycopg error that means the server is unreachable, not that one statement failed."""
    for candidate in (error, getattr(error, "__cause__", None)):
        if isinstance(candidate, psycopg.OperationalError):  # includes psycopg_pool's PoolTimeout and PoolClosed
            sqlstate = getattr(candidate, "sqlstate", None)
            return sqlstate is None or sqlstate.startswith(OUTAGE_SQLSTATES)
    return False


def mark_down(alias, error=None):
    """The database `alias` is unreachable: fail fast from now on and probe in the background until it is back."""
    with _lock:
        if alias in _down:
            return
        _down[alias] = time.monotonic()
    logger.error("Database %r unreachable (%s): failing fast until it answers again", alias, type(error).__name__)
    threading.Thread(target=_probe_until_up, args=(alias,), name=f"db-probe-{alias}", daemon=True).start()


def _probe_until_up(alias):
    params = connections[alias].get_connection_params()
    params.pop("pool", None)
    params["connect_timeout"] = PROBE_CONNECT_TIMEOUT
    while True:
        time.sleep(PROBE_INTERVAL)
        try:
            with psycopg.connect(**params, autocommit=True) as probe:
                probe.execute("SELECT 1")
        except psycopg.Error:
            continue
        break
    old_pool = _take_pool(alias)  # the next request opens a new one
    with _lock:
        since = _down.pop(alias, None)
    if since is not None:
        logger.warning("Database %r answers again after %.1f s", alias, time.monotonic() - since)
    if old_pool is not None:
        try:
            old_pool.close(timeout=1)
        except Exception:  # noqa: BLE001 - a pool that cannot even close is being discarded anyway
            logger.warning("Could not close the old connection pool", exc_info=True)


def watched_connection_class(alias):
    """A psycopg connection class for `alias`'s pool that marks the database down when the pool cannot connect.

    The pool connects in its own threads and keeps requests waiting (up to its timeout) while it retries; this is
    how the failure reaches us at once."""
    if alias not in _connection_classes:

        class WatchedConnection(psycopg.Connection):
            @classmethod
            def connect(cls, *args, **kwargs):
                try:
                    return super().connect(*args, **kwargs)
                except psycopg.Error as error:
                    if is_connection_failure(error):
                        mark_down(alias, error)
                    raise

        _connection_classes[alias] = WatchedConnection
    return _connection_classes[alias]


class FailFastPool(ConnectionPool):
    """psycopg's pool, but a request waiting for a connection gives up as soon as the database is marked down,
    instead of waiting out the whole timeout: it waits in slices of `WAIT_SLICE` seconds and looks in between."""

    alias = "default"

    def getconn(self, timeout=None):
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            raise_if_down(self.alias)
            remaining = deadline - time.monotonic()
            try:
                return super().getconn(timeout=max(0.0, min(WAIT_SLICE, remaining)))
            except PoolTimeout:
                if remaining <= WAIT_SLICE:
                    raise


def _take_pool(alias):
    """Remove this process's pool for `alias` from Django's hands; Django opens a new one on the next request. The
    old pool's pending reconnection attempts (at growing intervals) die with it once closed; connections in use are
    closed when given back."""
    return getattr(type(connections[alias]), "_connection_pools", {}).pop(alias, None)


def can_serve_pages(alias="default"):
    """Readiness: a real query on the content table every page reads (`READINESS_MODEL`), cancelled after
    `READINESS_TIMEOUT_MS`. `SELECT 1` succeeds while that table is locked and every uncached page fails; this does
    not. False at once while the database is known to be down."""
    if is_down(alias):
        return False
    model = apps.get_model(settings.READINESS_MODEL)
    connection = connections[alias]
    try:
        with transaction.atomic(using=alias):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL statement_timeout = %s", [int(settings.READINESS_TIMEOUT_MS)])
            model._base_manager.using(alias).order_by().exists()
    except DatabaseError:
        return False
    return True
