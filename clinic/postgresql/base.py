"""`ENGINE = "clinic.postgresql"` (production settings): Django's PostgreSQL backend plus `clinic.db_health`.

Opening a connection while the database is known to be down raises at once instead of waiting for the pool's
timeout. Any error that says the server is unreachable or going away (while connecting or in a query) marks it down
and starts the background probe that brings it back.
"""

from django.db.backends.postgresql import base
from django.db.utils import DatabaseErrorWrapper
from django.utils.functional import cached_property

from clinic import db_health


class HealthErrorWrapper(DatabaseErrorWrapper):
    def __exit__(self, exc_type, exc_value, traceback):
        if exc_value is not None and db_health.is_connection_failure(exc_value):
            db_health.mark_down(self.wrapper.alias, exc_value)
        return super().__exit__(exc_type, exc_value, traceback)


class DatabaseWrapper(base.DatabaseWrapper):
    @cached_property
    def wrap_database_errors(self):
        return HealthErrorWrapper(self)

    def get_new_connection(self, conn_params):
        db_health.raise_if_down(self.alias)
        return super().get_new_connection(conn_params)
