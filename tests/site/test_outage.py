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
    pool = database["OPTIONS"]["pool"]
    assert pool["timeout"] == 3 and "check_connection" in pool["check"]  # a broken connection is never handed out
    assert database["OPTIONS"]["connect_timeout"] == 5
    assert database["OPTIONS"]["options"] == "-c statement_timeout=5000"


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

    recovered = get(f"{server.url}/treatments/")
    assert recovered.status == 200, "the same gunicorn process recovers once PostgreSQL is back"
    assert "Treatments" in recovered.text
    assert get(f"{server.url}/readyz").status == 200

    logs = log_lines(server)
    outage = [entry for entry in logs if entry["logger"] == "clinic.outage"]
    assert outage and all(len(entry["request_id"]) == 32 for entry in outage)
    requests = {(entry["path"], entry["status"]) for entry in logs if entry["logger"] == "clinic.request"}
    assert ("/treatments/", 503) in requests and ("/treatments/", 200) in requests
    assert not any(status == 500 for _, status in requests)


def test_a_missing_table_on_sqlite_is_a_bug_not_an_outage():
    def wrapped(cause):
        error = OperationalError(str(cause))
        error.__cause__ = cause
        return error

    assert not is_database_unavailable(wrapped(sqlite3.OperationalError("no such column: x.keywords")))
    assert is_database_unavailable(wrapped(sqlite3.OperationalError("database is locked")))
