"""Rows of a related table carried in one column of a page's own query, as JSON, on PostgreSQL and SQLite alike.

A page that shows a few rows of another table (a condition's treatment links, an article's first authors) gets them
in the same round trip as its own row instead of in a prefetch query of their own: a scalar subquery that
aggregates them into a JSON array of arrays.
"""

import json
from datetime import UTC

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime


def json_rows_sql(columns, query):
    """SQL for one column: the rows of `query` (an SQL query aliased as `x` here, selecting `columns`) as a JSON array
    of arrays, or NULL when there is none. Neither database promises the order in which an aggregate reads its rows:
    the first two columns are what `json_rows` sorts them by (e.g. a position and the id)."""
    aggregate = "json_agg(json_build_array" if connection.vendor == "postgresql" else "json_group_array(json_array"
    return f"(SELECT {aggregate}({', '.join(f'x.{column}' for column in columns)})) FROM ({query}) x)"


def json_rows(value):
    """The rows of a `json_rows_sql` column in the order of their first two columns (psycopg reads JSON as a list,
    SQLite's driver gives its text)."""
    rows = json.loads(value) if isinstance(value, str) else value or []
    return sorted(rows, key=lambda row: row[:2])


def json_datetime(text):
    """A date and time read from a JSON row: PostgreSQL writes its offset, SQLite stores UTC with none."""
    value = parse_datetime(text) if text else None
    return value if value is None or timezone.is_aware(value) else value.replace(tzinfo=UTC)
