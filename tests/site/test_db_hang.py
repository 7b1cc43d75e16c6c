"""A hung PostgreSQL (the kernel accepts connections, nothing answers) is told apart from an overloaded one (slow to
accept a new connection, but answering queries): only the first is marked down (clinic/db_health.py).

A listening socket that never answers is a hung server as the client sees it; the overloaded one is the real test
database answering another connection of this process meanwhile.
"""

import socket
import threading

import pytest
from django.db import connection

from clinic import db_health


@pytest.fixture
def hung_server():
    """Connection parameters of a server that accepts connections (the kernel does) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        host, port = listener.getsockname()
        yield {"host": host, "port": port, "dbname": "clinic", "user": "clinic", "connect_timeout": 2}


def test_a_server_that_answers_nothing_is_hung(hung_server):
    assert db_health.server_hangs("hung-test", hung_server)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a PostgreSQL server that answers")
@pytest.mark.django_db
def test_a_server_slow_to_take_new_connections_but_answering_queries_is_not_hung(hung_server):
    """Under a saturating load a fresh connection took longer than the check allows while every query was still
    answered: the site was marked down and answered 503 for nothing."""
    params = connection.get_connection_params() | {"cursor_factory": None}
    stop = threading.Event()
    with db_health.watched_connection_class("busy-test").connect(**params, autocommit=True) as busy:

        def keep_asking():
            while not stop.is_set():
                busy.execute("SELECT pg_sleep(0.02)")

        asking = threading.Thread(target=keep_asking)
        asking.start()
        try:
            assert not db_health.server_hangs("busy-test", hung_server)
        finally:
            stop.set()
            asking.join()
