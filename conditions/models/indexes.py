"""Indexes declared with the models they serve, and the expressions queries share with them.

- Search (conditions/search.py), on PostgreSQL only: GIN indexes on the stored full-text vectors, and trigram (pg_trgm)
  indexes on names for misspelt searches. SQLite keeps the (unused) vector column and searches with its fallback, so
  there these indexes are left out.
- Listings (`listing_indexes`): the A–Z index and the home page answered from an index instead of the wide rows.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db.models import F, Func, Index, TextField
from django.db.models.functions import Substr, Upper


class PostgresOnly:
    """An index created on PostgreSQL only (nothing on other databases)."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().remove_sql(model, schema_editor, **kwargs)


class PostgresGinIndex(PostgresOnly, GinIndex):
    """A GIN index on PostgreSQL, nothing on other databases."""


class PostgresIndex(PostgresOnly, Index):
    """A B-tree index on PostgreSQL only, e.g. with `NULLS LAST`, which SQLite's CREATE INDEX refuses."""


def search_vector_index(prefix):
    return PostgresGinIndex(fields=["search_vector"], name=f"{prefix}_search_vector")


def trigram_index(field, prefix):
    """For `name <% query` (misspellings): a GIN trigram index on one text column."""
    return PostgresGinIndex(OpClass(field, name="gin_trgm_ops"), name=f"{prefix}_{field}_trgm")


class KeywordTerms(Func):
    """An article's normalised keywords as a PostgreSQL text array: `string_to_array(keyword_index, '|')`.

    The index below and every query matching keywords use this one expression, so PostgreSQL can answer "articles
    with keyword A or B" (`&&`) from the index: exact terms, where a trigram index on the `|a|b|` text had to
    intersect the long posting lists of common trigrams ("syndrome") and recheck thousands of rows.
    """

    function = "string_to_array"
    template = "%(function)s(%(expressions)s, '|')"
    output_field = ArrayField(TextField())

    def __init__(self, field="keyword_index", **extra):
        super().__init__(F(field), **extra)


def keyword_terms_index(prefix):
    return PostgresGinIndex(KeywordTerms(), name=f"{prefix}_keyword_terms")


def first_letter(field="name"):
    """The letter a name is listed under in the A–Z index (upper case; "#" is decided in Python): one expression for
    the queries and the index that answers them."""
    return Upper(Substr(field, 1, 1))


def listing_indexes(prefix, include, published):
    """Partial indexes of the `published` rows holding what the listings read (`include`), so that PostgreSQL answers
    them from the index alone. A condition's rich text makes each row kilobytes wide: at 1,000 conditions every
    listing query read the whole 6 MB table (about 2 ms each, four per A–Z page).

    - by name: alphabetical listings (the home page's cards, the "X, see Y" entries, stopped after one page);
    - by first letter, then name: one letter's page, the count of each letter, the body regions offered.

    SQLite creates them without the included columns (settings silence its warning, models.W040).
    """
    return [
        Index("name", include=include, condition=published, name=f"{prefix}_listing_name"),
        Index(first_letter(), F("name"), include=include, condition=published, name=f"{prefix}_listing_letter"),
    ]
