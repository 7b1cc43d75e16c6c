"""`ENGINE = "clinic.postgresql"` (production settings): Django's PostgreSQL backend plus `clinic.db_health`.

Opening a connection while the database is known to be down raises at once instead of waiting for the pool's
timeout. Any error that says the server is unreachable or going away (while connecting or in a query) marks it down,
a lock or statement timeout marks it slow; either starts the background probe that brings it back.
"""

from django.db.backends.postgresql import base
from django.db.utils import DatabaseErrorWrapper
from django.utils.functional import cached_property

from clinic import db_health


class HealthErrorWrapper(DatabaseErrorWrapper):
    def __exit__(self, exc_type, exc_value, traceback):
        if exc_value is not None:
            if db_health.is_connection_failure(exc_value):
                db_health.mark_down(self.wrapper.alias, exc_value)
            elif db_health.is_timeout(exc_value):
                db_health.mark_down(self.wrapper.alias, exc_value, reason=db_health.SLOW)
        return super().__exit__(exc_type, exc_value, traceback)


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, settings_dict, *args, **kwargs):
        super().__init__(settings_dict, *args, **kwargs)
        pool = self.settings_dict["OPTIONS"].get("pool")
        if isinstance(pool, dict):
            pool.setdefault("connection_class", db_health.watched_connection_class(self.alias))

    @property
    def pool(self):
        pool = super().pool
        if pool is not None and not isinstance(pool, db_health.FailFastPool):
            # Django builds a plain ConnectionPool; ours only changes how a request waits for a connection.
            pool.__class__ = db_health.FailFastPool
            pool.alias = self.alias
        return pool

    @cached_property
    def wrap_database_errors(self):
        return HealthErrorWrapper(self)

    def get_new_connection(self, conn_params):
        db_health.raise_if_down(self.alias)
        return super().get_new_connection(conn_params)
