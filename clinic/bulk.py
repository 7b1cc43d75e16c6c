"""Writing many new rows fast: PostgreSQL's COPY where the database has it, `bulk_create` elsewhere.

`bulk_create` builds one large INSERT whose every value Django prepares and psycopg quotes in Python; for tens of
thousands of rows (an import's articles, authors and history versions) that costs seconds. COPY streams the same
values with psycopg's own adapters. The primary keys are taken from the table's sequence first (one query), so
the objects have their `pk` afterwards, as with `bulk_create`.

`insert_rows` goes further for rows nobody needs as model objects (authors, sign-offs, history versions of an
import): plain tuples of column values, so no model instance is built per row at all.
"""

from django.db import connections


def bulk_insert(model, objects):
    """Insert new `objects` of `model` (no pk yet) and set their pks. Like `bulk_create`, no `save()` and no
    signals: each field's `pre_save` runs (defaults, `auto_now_add`), so the rows hold what `bulk_create` writes."""
    objects = list(objects)
    using = model.objects.db
    connection = connections[using]
    if not objects:
        return objects
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objects, batch_size=1000)
    fields = _fields(model)
    rows = ([field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields] for obj in objects)
    pks = _copy(connection, model, fields, rows, len(objects))
    for obj, pk in zip(objects, pks, strict=True):
        setattr(obj, model._meta.pk.attname, pk)
        obj._state.adding, obj._state.db = False, using
    return objects


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


def columns_of(model):
    return tuple(field.attname for field in _fields(model))


def _fields(model):
    return [field for field in model._meta.concrete_fields if not field.generated and not field.primary_key]


def _copy(connection, model, fields, rows, count):
    """COPY `rows` (values for `fields`) with new pks from the table's sequence; the pks in order."""
    opts = model._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, count],
        )
        pks = [value for (value,) in cursor.fetchall()]
        columns = ", ".join(quote(field.column) for field in (opts.pk, *fields))
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(pks, rows, strict=True):
                copy.write_row((pk, *row))
    return pks
