"""Search indexes, declared with the models they serve (used by conditions/search.py).

They exist on PostgreSQL only: GIN indexes on the stored full-text vectors, and trigram (pg_trgm) indexes on names
for misspelt searches. SQLite keeps the (unused) vector column and searches with its fallback, so there these
indexes are left out.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass


class PostgresGinIndex(GinIndex):
    """A GIN index on PostgreSQL, nothing on other databases."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().remove_sql(model, schema_editor, **kwargs)


def search_vector_index(prefix):
    return PostgresGinIndex(fields=["search_vector"], name=f"{prefix}_search_vector")


def trigram_index(field, prefix):
    """For `name <% query` (misspellings): a GIN trigram index on one text column."""
    return PostgresGinIndex(OpClass(field, name="gin_trgm_ops"), name=f"{prefix}_{field}_trgm")
