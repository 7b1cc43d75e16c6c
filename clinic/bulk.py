"""Writing many new rows fast: PostgreSQL's COPY where the database has it, `bulk_create` elsewhere.

`bulk_create` builds one large INSERT whose every value Django prepares and psycopg quotes in Python; for tens of
thousands of rows (an import's articles, authors and history versions) that costs seconds. COPY streams the same
values with psycopg's own adapters. The primary keys are taken from the table's sequence first (one query), so
the objects have their `pk` afterwards, as with `bulk_create`.

`insert_rows` goes further for rows nobody needs as model objects (authors, sign-offs, history versions of an
import): plain tuples of column values, so no model instance is built per row at all.

`settle` then leaves the table as fast to read as autovacuum would, once the rows are committed.
"""

import logging

from django.db import DatabaseError, connections, transaction
from django.db.models.sql import Query

logger = logging.getLogger("clinic.bulk")


def bulk_insert(model, objects, computed=None):
    """Insert new `objects` of `model` and set their pks (kept when given: `reserve_pks`). Like `bulk_create`, no
    `save()` and no signals: each field's `pre_save` runs (defaults, `auto_now_add`), so the rows hold what
    `bulk_create` writes. `computed`: {field name: expression} the database evaluates for each row from the row's
    own columns (PostgreSQL, e.g. a search vector), so no UPDATE rewrites the rows afterwards."""
    objects = list(objects)
    using = model.objects.db
    connection = connections[using]
    if not objects:
        return objects
    if connection.vendor != "postgresql":
        objects = model.objects.bulk_create(objects, batch_size=1000)
        if computed:
            model.objects.filter(pk__in=[obj.pk for obj in objects]).update(**computed)
        return objects
    fields = [field for field in _fields(model) if field.name not in (computed or {})]
    rows = ([field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields] for obj in objects)
    pks = [obj.pk for obj in objects] if all(obj.pk is not None for obj in objects) else None
    pks = _copy(connection, model, fields, rows, len(objects), pks=pks, computed=computed)
    for obj, pk in zip(objects, pks, strict=True):
        setattr(obj, model._meta.pk.attname, pk)
        obj._state.adding, obj._state.db = False, using
    return objects


def reserve_pks(model, count):
    """`count` new primary keys of `model` taken from its table's sequence before the rows are written, so rows
    that point at each other (a page and its sign-off) are written once each; None where the database gives keys
    only as rows are written (SQLite)."""
    connection = connections[model.objects.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        return _next_pks(cursor, model._meta, count)


def insert_rows(model, columns, rows):
    """Insert new rows of `model`, each a tuple of values for `columns` (the attnames of every concrete field but
    the primary key, in the model's order: `columns_of(model)`, so no default is left to guess), and return their
    pks in order. The values are what the columns store (text, numbers, aware datetimes, foreign keys' ids): no
    `pre_save`, no model instance. `model.from_db(db, ("id", *columns), (pk, *row))` gives one when needed."""
    fields = _fields(model)
    if tuple(columns) != columns_of(model):
        raise ValueError(f"{model.__name__}: give a value for each of {', '.join(columns_of(model))}, in this order")
    rows = list(rows)
    connection = connections[model.objects.db]
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objects = (model(**dict(zip(columns, row, strict=True))) for row in rows)
        objects = model.objects.bulk_create(objects, batch_size=1000)
        return [obj.pk for obj in objects]
    return _copy(connection, model, fields, rows, len(rows))


#: Fewer new rows than this are left to autovacuum (its own threshold for inserts is 1,000 rows and 20% of the table).
SETTLE_AFTER = 1000


#: Merges the pending entries of every GIN index of a table (%s), one row per index: the pages merged.
MERGE_PENDING_GIN_ENTRIES = (
    "SELECT gin_clean_pending_list(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
    "JOIN pg_am am ON am.oid = c.relam WHERE i.indrelid = %s::regclass AND am.amname = 'gin'"
)


def settle_after_commit(model, count):
    """Once the transaction commits, `settle` the table of `model` if `count` rows were written to it."""
    if count >= SETTLE_AFTER and connections[model.objects.db].vendor == "postgresql":
        transaction.on_commit(lambda: settle(model), using=model.objects.db, robust=True)


def settle(model):
    """Make the table of `model` fast to read again after many new rows (PostgreSQL), as autovacuum would later.

    GIN indexes (full text, trigrams, keyword terms) keep new entries in a pending list that every lookup reads in
    full until a vacuum merges it: after a 7,000-article import, 34,000 pending entries made the keyword lookup of
    every condition page take 5 ms instead of 0.2 ms. They are merged now (`gin_clean_pending_list`), and the
    planner's statistics refreshed (its estimates were 8 times too low), so the first patients after an import get
    fast pages. A failure only leaves that work to autovacuum.
    """
    connection = connections[model.objects.db]
    table = model._meta.db_table
    try:
        with connection.cursor() as cursor:
            cursor.execute(MERGE_PENDING_GIN_ENTRIES, [table])
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    except DatabaseError:
        logger.warning("Could not settle %s after a bulk write; autovacuum will", table, exc_info=True)


def columns_of(model):
    return tuple(field.attname for field in _fields(model))


def _fields(model):
    return [field for field in model._meta.concrete_fields if not field.generated and not field.primary_key]


def _next_pks(cursor, opts, count):
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [opts.db_table, opts.pk.column, count],
    )
    return [value for (value,) in cursor.fetchall()]


def _copy(connection, model, fields, rows, count, pks=None, computed=None):
    """COPY `rows` (values for `fields`) with `pks`, else new pks from the table's sequence; the pks in order.
    With `computed` expressions the rows go to a temporary copy of the table first, then into the table in one
    INSERT … SELECT that evaluates them (the temporary table is named like the table, so the expressions' column
    references read its rows)."""
    opts = model._meta
    quote = connection.ops.quote_name
    table, columns = quote(opts.db_table), ", ".join(quote(field.column) for field in (opts.pk, *fields))
    with connection.cursor() as cursor:
        pks = pks if pks is not None else _next_pks(cursor, opts, count)
        target = table
        if computed:
            target = f"pg_temp.{quote(f'bulk_{opts.db_table}')}"  # pg_temp: never a table of the site's own
            cursor.execute(f"DROP TABLE IF EXISTS {target}")
            cursor.execute(f"CREATE TEMPORARY TABLE {target} (LIKE {table})")
        with cursor.cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(pks, rows, strict=True):
                copy.write_row((pk, *row))
        if computed:
            names, expressions, params = _compiled(connection, model, computed)
            cursor.execute(
                f"INSERT INTO {table} ({columns}, {names}) SELECT {columns}, {expressions} FROM {target} AS {table}",
                params,
            )
            cursor.execute(f"DROP TABLE {target}")
    return pks


def _compiled(connection, model, computed):
    """(the columns, the expressions' SQL, their parameters) of {field name: expression}, as an UPDATE compiles them."""
    query = Query(model)
    compiler = query.get_compiler(connection=connection)
    names, expressions, params = [], [], []
    for name, expression in computed.items():
        resolved = expression.resolve_expression(query, allow_joins=False, for_save=True)
        sql, expression_params = compiler.compile(resolved)
        names.append(connection.ops.quote_name(model._meta.get_field(name).column))
        expressions.append(sql)
        params.extend(expression_params)
    return ", ".join(names), ", ".join(expressions), params
