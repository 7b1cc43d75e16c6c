"""When PostgreSQL goes away: a cached copy or a branded 503 with Retry-After, never a traceback; then recovery.

The last test runs the real thing: gunicorn with production settings on a throwaway PostgreSQL cluster, which it
stops and starts again (never the shared cluster on 5432).
"""

import json
import os
import secrets
import shutil
import sqlite3
import tempfile
import time

import psycopg
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection
from psycopg_pool import PoolTimeout

from clinic.outage import is_database_unavailable
from conditions.views import ConditionListView

from ..factories import ConditionFactory
from ..servers import (
    Gunicorn,
    ThrowawayPostgres,
    clean_environment,
    get,
    manage,
    postgres_bindir,
    settings_in_subprocess,
)


def assert_branded_503(status, headers, body):
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "no-store" in headers["Cache-Control"]
    assert "We will be back in a moment" in body and "911" in body
    for leak in ("Traceback", "OperationalError", "psycopg", "connection"):
        assert leak not in body


def database_down(*args, **kwargs):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


@pytest.mark.django_db
def test_a_page_that_cannot_reach_the_database_answers_a_branded_503(client, monkeypatch):
    monkeypatch.setattr("conditions.views.search_site", database_down)
    response = client.get("/search/?q=back")
    assert_branded_503(response.status_code, response, response.content.decode())
    assert response["Content-Security-Policy"] and response["X-Request-ID"]


@pytest.mark.django_db
def test_the_last_good_copy_of_a_page_is_served_while_the_database_is_down(client, monkeypatch):
    ConditionFactory(name="Sciatica")
    assert client.get("/conditions/")["X-Page-Cache"] == "miss"
    ConditionFactory(name="Whiplash")  # content changed: the current copy is gone, the last good one is kept

    monkeypatch.setattr(ConditionListView, "get_context_data", database_down)
    response = client.get("/conditions/")
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "stale"
    assert "Sciatica" in response.content.decode()
    assert client.get("/conditions/?region=low-back").status_code == 503  # never rendered: nothing to fall back on


@pytest.mark.django_db
def test_a_logged_in_visitor_whose_session_cannot_be_read_gets_the_503_not_a_500(client, editor, monkeypatch):
    client.force_login(editor)
    client.raise_request_exception = False
    monkeypatch.setattr(SessionStore, "load", database_down)
    response = client.get("/conditions/")
    assert_branded_503(response.status_code, response, response.content.decode())


def test_pool_timeouts_count_as_an_outage():
    assert is_database_unavailable(PoolTimeout("couldn't get a connection after 3.00 sec"))
    assert not is_database_unavailable(ValueError("a bug"))


def test_production_pools_connections_with_checks_and_short_timeouts():
    database = settings_in_subprocess(["DATABASES"], DATABASE_URL="postgres://app@db.internal:5432/clinic")[
        "DATABASES"
    ]["default"]
    assert database["CONN_MAX_AGE"] == 0  # the pool replaces persistent connections
    assert database["ENGINE"] == "clinic.postgresql"  # fails fast while the database is down (clinic/db_health.py)
    pool = database["OPTIONS"]["pool"]
    assert pool["timeout"] == 3 and "check_connection" in pool["check"]  # a broken connection is never handed out
    assert database["OPTIONS"]["connect_timeout"] == 5
    assert database["OPTIONS"]["options"] == (
        "-c statement_timeout=5000 -c lock_timeout=2000 -c plan_cache_mode=force_custom_plan"
    )
    # Queries are prepared (parsed once per connection) unless PgBouncer cannot keep them: DB_PREPARE_THRESHOLD=off.
    assert database["OPTIONS"]["server_side_binding"] is True and database["OPTIONS"]["prepare_threshold"] == 5
    behind_old_pgbouncer = settings_in_subprocess(
        ["DATABASES"], DATABASE_URL="postgres://app@db.internal:5432/clinic", DB_PREPARE_THRESHOLD="off"
    )["DATABASES"]["default"]
    assert behind_old_pgbouncer["OPTIONS"]["prepare_threshold"] is None
    # An idle pooled connection to a vanished host is noticed by TCP within a minute, not two hours.
    assert database["OPTIONS"]["keepalives_idle"] == 30 and database["OPTIONS"]["tcp_user_timeout"] == 30000


@pytest.mark.django_db
def test_a_runaway_query_is_cancelled_and_the_visitor_gets_the_503(client, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "5s"
        cursor.execute("SET LOCAL statement_timeout = 50")  # this test's transaction only

    def slow_search(query, *args):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(2)")

    monkeypatch.setattr("conditions.views.search_site", slow_search)
    response = client.get("/search/?q=back")
    assert_branded_503(response.status_code, response, response.content.decode())


@pytest.mark.django_db(transaction=True)  # no test transaction holding locks on the table
def test_readyz_says_unavailable_while_the_content_table_is_locked(client):
    """`SELECT 1` answered while a lock made every uncached page fail; readiness now reads a content table."""
    if connection.vendor != "postgresql":
        pytest.skip("table locks and statement_timeout are PostgreSQL's")
    assert client.get("/readyz").status_code == 200
    with psycopg.connect(**connection.get_connection_params() | {"cursor_factory": None}) as other:
        other.execute("LOCK TABLE conditions_condition IN ACCESS EXCLUSIVE MODE")  # held until this block ends
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["database"] == "unavailable"
    assert client.get("/readyz").status_code == 200


# --- The real thing ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_on_its_own_postgres():
    """gunicorn (production settings, 1 worker) on a throwaway PostgreSQL loaded with the demo clinic."""
    if postgres_bindir() is None or (os.geteuid() == 0 and not shutil.which("runuser")):
        pytest.skip("PostgreSQL server programs (initdb, pg_ctl) are not installed")
    directory = tempfile.mkdtemp(prefix="clinic-outage-")
    postgres = ThrowawayPostgres(directory)
    server = None
    try:
        postgres.init()
        env = clean_environment(
            DJANGO_SETTINGS_MODULE="tests.prodlike_settings",
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=postgres.url,
            SECURE_SSL_REDIRECT="0",
            ALLOWED_HOSTS="127.0.0.1",
            LOG_LEVEL="INFO",
            LOG_FORMAT="json",
            CACHE_DIR=f"{directory}/cache",  # the default file cache, of this server alone
        )
        manage("migrate", "--no-input", env=env)
        manage("load_demo_content", env=env)
        server = Gunicorn(env, f"{directory}/gunicorn.log")
        server.start()
        yield postgres, server
    finally:
        if server is not None:
            server.stop()
        postgres.stop()
        shutil.rmtree(directory, ignore_errors=True)


def log_lines(server):
    lines = []
    for line in server.log.read_text().splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def test_postgres_stops_the_site_answers_503_then_recovers_without_a_restart(site_on_its_own_postgres):
    postgres, server = site_on_its_own_postgres
    assert get(f"{server.url}/conditions/").status == 200  # now in the page cache
    assert get(f"{server.url}/readyz").status == 200

    postgres.stop()
    try:
        assert get(f"{server.url}/healthz").status == 200  # the process is fine: no restart by the orchestrator
        assert get(f"{server.url}/readyz").status == 503  # but take it out of the load balancer

        cached = get(f"{server.url}/conditions/")
        assert cached.status == 200 and cached.headers["X-Page-Cache"] == "hit"

        down = get(f"{server.url}/treatments/")
        assert_branded_503(down.status, down.headers, down.text)
        assert down.seconds < 10, "the pool gives up after its timeout instead of hanging"
    finally:
        postgres.start()

    assert wait_for_first_200(f"{server.url}/treatments/") is not None, "the same process recovers: no restart"
    recovered = get(f"{server.url}/treatments/")
    assert "Treatments" in recovered.text
    assert get(f"{server.url}/readyz").status == 200

    logs = log_lines(server)
    # The outage is logged once, when found (not once per request); each 503 is in the request log with its id.
    outage = [entry for entry in logs if entry["logger"] == "clinic.db_health" and "unreachable" in entry["message"]]
    assert len(outage) == 1
    request_lines = [entry for entry in logs if entry["logger"] == "clinic.request"]
    assert all(len(entry["request_id"]) == 32 for entry in request_lines if entry["status"] == 503)
    requests = {(entry["path"], entry["status"]) for entry in request_lines}
    assert ("/treatments/", 503) in requests and ("/treatments/", 200) in requests
    assert not any(status == 500 for _, status in requests)


def wait_for_first_200(url, limit=10):
    """Seconds until `url` first answers 200 (asked every 50 ms), or None after `limit` seconds."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if get(url, timeout=5).status == 200:
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def test_during_an_outage_requests_fail_fast_and_pages_return_within_a_second_of_postgres(site_on_its_own_postgres):
    """The pool alone retried at growing intervals (1, 3, 7 s...): after an 8 s outage pages kept failing for seconds,
    and every request meanwhile waited 3 s for a connection."""
    postgres, server = site_on_its_own_postgres
    assert get(f"{server.url}/conditions/").status == 200

    postgres.stop()
    try:
        first = get(f"{server.url}/research/")
        assert first.status == 503 and first.seconds < 1  # finds the database gone: marked down
        started = time.monotonic()
        while time.monotonic() - started < 8:
            uncached = get(f"{server.url}/research/")
            assert uncached.status == 503 and uncached.headers["Retry-After"]
            assert uncached.seconds < 1, "known down: no waiting for the pool's 3 s timeout"
            cached = get(f"{server.url}/conditions/")
            assert cached.status == 200 and cached.seconds < 1
            assert get(f"{server.url}/healthz").status == 200
            time.sleep(0.2)
    finally:
        postgres.start()  # returns once PostgreSQL accepts connections

    seconds = wait_for_first_200(f"{server.url}/research/")
    assert seconds is not None and seconds < 1, f"first 200 after {seconds} s"
    assert get(f"{server.url}/readyz").status == 200
    logs = log_lines(server)
    assert any("failing fast" in entry["message"] for entry in logs)
    assert not any(entry.get("status") == 500 for entry in logs)


def test_a_locked_table_fails_fast_once_found_then_serves_again_when_the_lock_is_gone(site_on_its_own_postgres):
    """A lock held by a migration or VACUUM FULL made every uncached page wait 5 s (statement_timeout), holding the
    threads cached pages and /healthz need."""
    postgres, server = site_on_its_own_postgres
    assert get(f"{server.url}/conditions/").status == 200  # now in the page cache
    with psycopg.connect(postgres.url.replace("postgres://", "postgresql://")) as other:
        other.execute("LOCK TABLE conditions_condition IN ACCESS EXCLUSIVE MODE")  # held until this block ends
        for _ in range(5):
            uncached = get(f"{server.url}/search/?q=back")
            assert_branded_503(uncached.status, uncached.headers, uncached.text)
            assert get(f"{server.url}/conditions/").status == 200
            assert get(f"{server.url}/healthz").status == 200
        assert get(f"{server.url}/readyz").status == 503
    assert wait_for_first_200(f"{server.url}/search/?q=back") is not None
    logs = log_lines(server)
    assert any("too slow" in entry["message"] for entry in logs), "the breaker opened on the lock timeout"
    assert not any(entry.get("status") == 500 for entry in logs)


def test_a_hung_database_is_given_up_on_then_serves_again_when_it_answers(site_on_its_own_postgres):
    """A stopped PostgreSQL (SIGSTOP: the kernel accepts connections, nothing answers) held every request until it
    ran again: statement_timeout is the server's own. The client now checks whether the server answers at all."""
    postgres, server = site_on_its_own_postgres
    assert get(f"{server.url}/conditions/").status == 200
    postgres.pause()
    try:
        # Without the check these would wait for as long as the server is stopped: longer than the timeout here.
        for _ in range(3):
            uncached = get(f"{server.url}/search/?q=neck", timeout=8)
            assert_branded_503(uncached.status, uncached.headers, uncached.text)
            assert get(f"{server.url}/conditions/", timeout=8).status == 200
            assert get(f"{server.url}/healthz", timeout=8).status == 200
    finally:
        postgres.resume()
    assert wait_for_first_200(f"{server.url}/search/?q=neck") is not None
    logs = log_lines(server)
    assert any("unreachable (TimeoutError)" in entry["message"] for entry in logs)
    assert not any(entry.get("status") == 500 for entry in logs)


def test_a_missing_table_on_sqlite_is_a_bug_not_an_outage():
    def wrapped(cause):
        error = OperationalError(str(cause))
        error.__cause__ = cause
        return error

    assert not is_database_unavailable(wrapped(sqlite3.OperationalError("no such column: x.keywords")))
    assert is_database_unavailable(wrapped(sqlite3.OperationalError("database is locked")))
