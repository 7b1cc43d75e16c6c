"""Writing many new rows fast: PostgreSQL's COPY where the database has it, `bulk_create` elsewhere.

`bulk_create` builds one large INSERT whose every value Django prepares and psycopg quotes in Python; for tens of
thousands of rows (an import's articles, authors and history versions) that costs seconds. COPY streams the same
values with psycopg's own adapters. The primary keys are taken from the table's sequence first (one query), so
the objects have their `pk` afterwards, as with `bulk_create`.
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
    opts = model._meta
    pk = opts.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, pk.column, len(objects)],
        )
        for obj, (value,) in zip(objects, cursor.fetchall(), strict=True):
            setattr(obj, pk.attname, value)
        fields = [field for field in opts.concrete_fields if not field.generated]
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        table = connection.ops.quote_name(opts.db_table)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields])
    for obj in objects:
        obj._state.adding, obj._state.db = False, using
    return objects
