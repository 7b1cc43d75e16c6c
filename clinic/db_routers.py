"""Read replicas: anonymous page views read from a replica, everything else uses the primary.

Enabled when `DATABASE_REPLICA_URL` is set (settings add a "replica" database and this router). Reads go to the
replica only while `ReplicaMiddleware` allows it: a GET or HEAD of a public page by a visitor without a session.
The admin, every form post, management commands, migrations and anything after a write in the same request read
from the primary, so nobody reads a replica that lags behind their own change ("read your writes").
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

from .requests import is_anonymous_read

PRIMARY = "default"
REPLICA = "replica"

_replica_allowed: ContextVar[bool] = ContextVar("replica_allowed", default=False)


@contextmanager
def replica_reads(allowed=True):
    """Within the block, reads may go to the replica (until the first write)."""
    token = _replica_allowed.set(allowed)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if _replica_allowed.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        _replica_allowed.set(False)  # read your own writes for the rest of the request
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: objects from either may be related.
        return {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY  # the replica copies the primary's schema by replication


class ReplicaMiddleware:
    """Lets anonymous GET/HEAD requests outside the admin read from the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        allowed = is_anonymous_read(request) and request.path != "/readyz"  # readiness checks the primary
        with replica_reads(allowed):
            return self.get_response(request)
