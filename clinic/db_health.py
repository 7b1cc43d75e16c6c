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

- A hung server (stopped, swapping, a network path that drops packets while TCP still looks alive) never answers:
  statement_timeout is the server's own, so nothing ends the wait. A query left unanswered for `SUSPECT_AFTER`
  seconds makes the process check, in the background, whether a fresh connection answers `SELECT 1` within
  `CHECK_TIMEOUT`. If not, and no connection of this process has read anything from the server meanwhile (an
  overloaded server is slow to accept a connection but still answers queries: that is not a hang), the database is
  marked down, and the queries still waiting give up (their connections are closed): the visitor gets the cached
  copy or the 503.
- A lock or statement timeout (`TIMEOUTS`: a table locked by a migration, a server too slow to answer in time; the
  public timeouts are short, clinic/db_budget.py) marks the database *slow*: requests fail at once as while it is
  down, and the background probe reads the readiness table (READINESS_MODEL, as /readyz does) on a fresh
  connection until it answers within `PROBE_TIMEOUT_MS`. A single slow query on a healthy database thus costs the
  other visitors one probe interval at most. The pool is kept: its connections are fine.
"""

import logging
import threading
import time

import psycopg
import psycopg.sql
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, OperationalError, connections, transaction
from psycopg.waiting import Ready
from psycopg_pool import ConnectionPool, PoolTimeout

logger = logging.getLogger("clinic.db_health")

PROBE_INTERVAL = 0.2
WAIT_SLICE = 0.1
PROBE_CONNECT_TIMEOUT = 2  # psycopg's minimum; a hung server's probe just waits that long in its own thread
PROBE_TIMEOUT_MS = 500  # the probe's query, lock waits included
SUSPECT_AFTER = 0.2
CHECK_TIMEOUT = 0.5
# SQLSTATEs of a server that is going away or not there yet: class 08 (connection exception) and 57P01-57P03
# (admin shutdown, crash shutdown, cannot connect now). A client-side failure (refused, reset) has none.
OUTAGE_SQLSTATES = ("08", "57P01", "57P02", "57P03")
# lock_timeout (lock_not_available) and statement_timeout (query_canceled).
TIMEOUTS = ("55P03", "57014")
UNREACHABLE, SLOW = "unreachable", "slow"

_down = {}  # alias -> (monotonic time it was marked down, UNREACHABLE or SLOW)
_checked = {}  # alias -> monotonic time of the last hung-server check
_last_read = {}  # alias -> monotonic time a connection of this process last received data from the server
_lock = threading.Lock()
_connection_classes = {}


class DatabaseDown(OperationalError):
    """Raised instead of trying to connect while this process knows the database is unreachable."""


def is_down(alias="default"):
    return alias in _down


def raise_if_down(alias):
    if alias in _down:
        raise DatabaseDown(f"database {alias!r} is unreachable or too slow (probed in the background)")


def _psycopg_error(error):
    for candidate in (error, getattr(error, "__cause__", None)):
        if isinstance(candidate, psycopg.Error):
            return candidate
    return None


def is_connection_failure(error):
    """A psycopg error that means the server is unreachable, not that one statement failed."""
    candidate = _psycopg_error(error)
    if isinstance(candidate, psycopg.OperationalError):  # includes psycopg_pool's PoolTimeout and PoolClosed
        sqlstate = getattr(candidate, "sqlstate", None)
        return sqlstate is None or sqlstate.startswith(OUTAGE_SQLSTATES)
    return False


def is_timeout(error):
    """A statement cancelled by lock_timeout or statement_timeout: the server answers, but not in time."""
    return getattr(_psycopg_error(error), "sqlstate", None) in TIMEOUTS


def mark_down(alias, error=None, reason=UNREACHABLE):
    """The database `alias` is unreachable (or, with `reason=SLOW`, did not answer in time): fail fast from now on
    and probe in the background until it serves pages again."""
    with _lock:
        if alias in _down:
            return
        _down[alias] = (time.monotonic(), reason)
    logger.error(
        "Database %r %s (%s): failing fast until it answers again",
        alias,
        "unreachable" if reason == UNREACHABLE else "too slow",
        type(error).__name__,
    )
    threading.Thread(target=_probe_until_up, args=(alias, reason), name=f"db-probe-{alias}", daemon=True).start()


def _probe_params(alias):
    params = connections[alias].get_connection_params()
    params.pop("pool", None)
    params.pop("connection_class", None)
    params["connect_timeout"] = PROBE_CONNECT_TIMEOUT
    return params


def _probe(params):
    """True if a fresh connection reads the content table every page reads within PROBE_TIMEOUT_MS."""
    table = apps.get_model(settings.READINESS_MODEL)._meta.db_table
    try:
        with psycopg.connect(**params, autocommit=True) as probe:
            probe.execute(
                "SELECT set_config('statement_timeout', %s, false), set_config('lock_timeout', %s, false)",
                [str(PROBE_TIMEOUT_MS), str(PROBE_TIMEOUT_MS)],
            )
            probe.execute(psycopg.sql.SQL("SELECT 1 FROM {} LIMIT 1").format(psycopg.sql.Identifier(table)))
    except psycopg.Error:
        return False
    return True


def _probe_until_up(alias, reason):
    params = _probe_params(alias)
    while True:
        time.sleep(PROBE_INTERVAL)
        if _probe(params):
            break
    # After an outage the pool's connections are dead and it retries at growing intervals: the next request opens
    # a new one. After a timeout its connections are fine.
    old_pool = _take_pool(alias) if reason == UNREACHABLE else None
    with _lock:
        since, _ = _down.pop(alias, (None, None))
    if since is not None:
        logger.warning("Database %r answers again after %.1f s", alias, time.monotonic() - since)
    if old_pool is not None:
        try:
            old_pool.close(timeout=1)
        except Exception:  # noqa: BLE001 - a pool that cannot even close is being discarded anyway
            logger.warning("Could not close the old connection pool", exc_info=True)


def suspect_hung(alias):
    """A query has waited `SUSPECT_AFTER` s: does the server answer a fresh connection within `CHECK_TIMEOUT` s?
    Checked in the background, at most once a second per process; a server that does not is marked down."""
    now = time.monotonic()
    with _lock:
        if alias in _down or now - _checked.get(alias, -1e9) < 1:
            return
        _checked[alias] = now
    threading.Thread(target=_check_answers, args=(alias,), name=f"db-check-{alias}", daemon=True).start()


def _check_answers(alias):
    if server_hangs(alias, _probe_params(alias)):
        mark_down(alias, TimeoutError(f"no answer to a new connection within {CHECK_TIMEOUT} s, nor on any other"))


def server_hangs(alias, params):
    """True if a fresh connection (`params`) gets no answer within `CHECK_TIMEOUT` s and no connection of this
    process to `alias` received anything meanwhile."""
    answered = threading.Event()
    started = time.monotonic()

    def attempt():
        try:
            with psycopg.connect(**params, autocommit=True) as check:
                check.execute("SELECT 1")
        except psycopg.Error:
            return  # refused or failed at once: the query that waits will see it for itself
        answered.set()

    # In a thread of its own: a hung server keeps it until PROBE_CONNECT_TIMEOUT, this one decides sooner.
    threading.Thread(target=attempt, name=f"db-check-{alias}-connect", daemon=True).start()
    return not answered.wait(CHECK_TIMEOUT) and _last_read.get(alias, 0) < started


def _watched(connection, alias, gen):
    """psycopg's generator for one exchange with the server, looked at every time its wait times out (psycopg's
    wait wakes every 0.1 s with nothing ready): after SUSPECT_AFTER s the server is checked (`suspect_hung`); once
    it is known unreachable the connection is closed and the query fails like any lost connection."""
    started = time.monotonic()
    try:
        state = next(gen)
        while True:
            ready = yield state
            if ready & Ready.R:
                _last_read[alias] = time.monotonic()
            elif not ready:
                if _down.get(alias, (0, SLOW))[1] == UNREACHABLE:
                    connection.pgconn.finish()  # its state is unknown: never handed out again
                    raise psycopg.OperationalError(f"database {alias!r} stopped answering")
                if time.monotonic() - started > SUSPECT_AFTER:
                    suspect_hung(alias)
            state = gen.send(ready)
    except StopIteration as stop:
        return stop.value


def watched_connection_class(alias):
    """A psycopg connection class for `alias`'s pool that marks the database down when the pool cannot connect,
    and whose queries give up once the server is known unreachable (`_watched`).

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

            def wait(self, gen, *args, **kwargs):
                return super().wait(_watched(self, alias, gen), *args, **kwargs)

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
                    # set_config, not SET: SET takes no bound parameters (server_side_binding, settings/base.py).
                    timeout = str(int(settings.READINESS_TIMEOUT_MS))
                    cursor.execute("SELECT set_config('statement_timeout', %s, true)", [timeout])
            model._base_manager.using(alias).order_by().exists()
    except DatabaseError:
        return False
    return True
