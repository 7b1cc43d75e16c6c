"""A locked or slow database: public pages give up quickly (503 with Retry-After, never a 500) while editors wait
longer, and a timeout trips the breaker until the readiness query succeeds again (clinic/db_budget.py,
clinic/db_health.py).

PostgreSQL only: lock_timeout, statement_timeout and table locks are the server's own; SQLite has none of them.
"""

import logging
import threading
import time

import psycopg
import pytest
from django.db import OperationalError, connection
from django.db.backends.signals import connection_created

from clinic import db_health
from clinic.db_budget import PublicReadBudgetMiddleware
from clinic.db_budget import apply as apply_db_budget
from clinic.postgresql.base import DatabaseWrapper as HealthCheckedWrapper

from ..factories import ConditionFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="lock and statement timeouts are PostgreSQL's; SQLite has neither"
)


def timeouts_seen(client, path):
    """(statement_timeout, lock_timeout) of the connection the request at `path` opened."""
    seen = []

    def record(sender, connection, **kwargs):  # runs after clinic.db_budget's receiver, connected at start-up
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('statement_timeout'), current_setting('lock_timeout')")
            seen.append(cursor.fetchone())

    connection_created.connect(record)
    try:
        connection.close()  # the request opens its own, as each request takes one from the pool in production
        assert client.get(path).status_code == 200
    finally:
        connection_created.disconnect(record)
    return seen[0]


def other_connection():
    return psycopg.connect(**connection.get_connection_params() | {"cursor_factory": None})


class LockedTable:
    """`LOCK TABLE ... IN ACCESS EXCLUSIVE MODE` from another connection (as a migration or VACUUM FULL takes it),
    until the block ends or `release_after` seconds have passed."""

    def __init__(self, table="conditions_condition", release_after=None):
        self.table, self.release_after = table, release_after

    def __enter__(self):
        self.other = other_connection()
        self.other.execute(f"LOCK TABLE {self.table} IN ACCESS EXCLUSIVE MODE")
        if self.release_after is not None:
            self.timer = threading.Timer(self.release_after, self.other.rollback)
            self.timer.start()
        return self

    def __exit__(self, *exc_info):
        if self.release_after is not None:
            self.timer.join()
        self.other.rollback()
        self.other.close()


@pytest.mark.django_db(transaction=True)
def test_public_pages_wait_briefly_for_the_database_and_editors_longer(client, admin_client, settings):
    assert timeouts_seen(client, "/conditions/") == ("2s", "100ms")
    assert timeouts_seen(admin_client, "/admin/conditions/condition/") == ("5s", "2s")
    assert timeouts_seen(client, "/treatments/") == ("2s", "100ms")  # a pooled connection is switched back


@pytest.mark.django_db
def test_a_pooled_connection_gets_the_timeouts_of_each_request_that_takes_it(rf):
    """The pool hands one connection to a public page, then to the admin: each gets its own timeouts back."""
    connection.ensure_connection()

    def taken_from_the_pool(request):
        apply_db_budget(sender=type(connection), connection=connection)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('statement_timeout'), current_setting('lock_timeout')")
            return cursor.fetchone()

    middleware = PublicReadBudgetMiddleware(taken_from_the_pool)
    assert middleware(rf.get("/conditions/")) == ("2s", "100ms")
    assert middleware(rf.get("/admin/conditions/condition/")) == ("5s", "2s")
    assert middleware(rf.post("/appointments/request/")) == ("5s", "2s")
    assert middleware(rf.head("/treatments/")) == ("2s", "100ms")


@pytest.mark.django_db(transaction=True)  # no test transaction holding locks on the table
def test_a_locked_table_answers_the_503_with_retry_after_after_the_lock_timeout_not_the_statement_timeout(
    client, caplog
):
    client.raise_request_exception = False
    connection.close()
    with LockedTable(), caplog.at_level(logging.ERROR, logger="clinic.outage"):
        response = client.get("/search/?q=back")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    (outage,) = [record for record in caplog.records if record.name == "clinic.outage"]
    assert "lock timeout" in outage.error  # cancelled by lock_timeout, not after statement_timeout's 5 s


@pytest.mark.django_db(transaction=True)
def test_an_editor_waits_out_a_short_lock_that_a_visitor_does_not(client, admin_client):
    ConditionFactory(name="Sciatica")
    connection.close()  # each request takes its own connection, as from the pool in production
    with LockedTable(release_after=0.5):  # shorter than an editor's lock_timeout, longer than a visitor's
        assert admin_client.get("/admin/conditions/condition/").status_code == 200
    connection.close()
    with LockedTable(release_after=0.5):
        assert client.get("/conditions/").status_code == 503


# --- The breaker (clinic.postgresql, the production engine) --------------------------------------------------


@pytest.fixture
def production_engine():
    """The production engine on the test database, as alias "default" (whose settings the probe reads); the
    breaker's state is cleared afterwards."""
    wrapper = HealthCheckedWrapper({**connection.settings_dict}, alias="default")
    yield wrapper
    wrapper.close()
    db_health._down.pop("default", None)


def wait_until_up(limit=10):
    started = time.monotonic()
    while db_health.is_down("default") and time.monotonic() - started < limit:
        time.sleep(0.02)
    return not db_health.is_down("default")


@pytest.mark.django_db(transaction=True)
def test_a_lock_timeout_trips_the_breaker_until_the_table_can_be_read_again(production_engine):
    with LockedTable():
        with production_engine.cursor() as cursor:
            cursor.execute("SET lock_timeout = 50")
            with pytest.raises(OperationalError, match="lock timeout"):
                cursor.execute("SELECT count(*) FROM conditions_condition")
        assert db_health.is_down("default")
        production_engine.close()
        with pytest.raises(db_health.DatabaseDown):  # the next request fails at once: no thread waits for the lock
            production_engine.ensure_connection()
        time.sleep(3 * db_health.PROBE_INTERVAL)
        assert db_health.is_down("default"), "the probe reads the locked table: still failing fast"
    assert wait_until_up(), "the probe succeeds once the lock is gone"
    with production_engine.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM conditions_condition")


@pytest.mark.django_db(transaction=True)
def test_one_slow_query_on_a_healthy_database_trips_the_breaker_only_until_the_next_probe(production_engine):
    with production_engine.cursor() as cursor:
        cursor.execute("SET statement_timeout = 50")
        with pytest.raises(OperationalError, match="statement timeout"):
            cursor.execute("SELECT pg_sleep(1)")
    assert db_health.is_down("default")
    assert wait_until_up(limit=2)


@pytest.mark.django_db(transaction=True)
def test_a_statement_error_that_is_no_timeout_leaves_the_breaker_closed(production_engine):
    with production_engine.cursor() as cursor:
        with pytest.raises(Exception, match="division by zero"):
            cursor.execute("SELECT 1 / 0")
    assert not db_health.is_down("default")
