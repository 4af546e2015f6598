"""Database rows made once per test process and put back in each test that asks for them.

Importing the shipped content renders Markdown, sanitises it, indexes it for search and
records revisions: about half a second, which 150 tests paid each. `take()` runs an import
once inside a transaction that is rolled back, keeping the rows it added; `restore()` writes
them back with plain INSERTs in a test's own transaction (about 20 ms). The rows are exactly
what the import wrote: nothing is rebuilt by hand, so the snapshot cannot drift from the
importer.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction

# SQLite's FTS5 keeps its index in shadow tables, which it writes itself on an INSERT into
# the virtual table.
SHADOW_SUFFIXES = ("_data", "_idx", "_docsize", "_config", "_content")


def _is_virtual(cursor, table):
    """An FTS5 table of SQLite: the triggers on its content table write its index when the
    content rows come back, so a snapshot of its own rows would index each document twice
    (and the flush of a transactional test, deleting once, would leave the index pointing at
    rows that are gone: "database disk image is malformed" in the next search)."""
    if connection.vendor != "sqlite":
        return False
    cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [table])
    return "VIRTUAL TABLE" in (cursor.fetchone() or [""])[0].upper()


def _counts(cursor, tables):
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _columns(cursor, table):
    """Columns an INSERT may name (not generated ones)."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND table_schema = current_schema() AND is_generated = 'NEVER' "
            "AND generation_expression IS NULL ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]
    cursor.execute(f"PRAGMA table_xinfo({connection.ops.quote_name(table)})")
    # hidden: 0 a plain column, 2/3 generated.
    return [row[1] for row in cursor.fetchall() if row[6] == 0]


def take(load):
    """The rows `load()` adds to tables that were empty before it, as
    [(table, columns, rows)]. Nothing stays in the database."""
    with transaction.atomic(), connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        before = _counts(cursor, tables)
        load()
        after = _counts(cursor, tables)
        snapshot = []
        for table in tables:
            if before[table] or not after[table]:
                continue
            if any(table.endswith(suffix) and table[: -len(suffix)] in after
                   for suffix in SHADOW_SUFFIXES):  # fmt: skip
                continue
            if _is_virtual(cursor, table):
                continue
            columns = _columns(cursor, table)
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {names} FROM {connection.ops.quote_name(table)}")
            snapshot.append((table, columns, cursor.fetchall()))
        transaction.set_rollback(True)
    kinds = {ct.pk: ct.natural_key() for ct in ContentType.objects.all()}
    return snapshot, kinds


def _content_type_columns(table):
    """Columns of `table` that hold a content type's id (revisions name the model saved)."""
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table == table:
            return {
                field.column
                for field in model._meta.concrete_fields
                if field.is_relation and field.related_model is ContentType
            }
    return set()


def _remapped(snapshot, kinds):
    """A flush between tests (a transactional test) makes content types again under new ids:
    point the rows at the ids they have now. A stale type (a model a migration moved to
    another app) is not made again, so the rows that point at it (its permissions) go too,
    as after a real flush; kept, they would fail the restore's foreign keys and leave the
    database empty for every test after."""
    now = {ct.natural_key(): ct.pk for ct in ContentType.objects.all()}
    moved = {old: now[key] for old, key in kinds.items() if key in now and now[key] != old}
    gone = {old for old, key in kinds.items() if key not in now}
    if not moved and not gone:
        return snapshot
    out, dropped = [], {}
    for table, columns, rows in snapshot:
        positions = [i for i, c in enumerate(columns) if c in _content_type_columns(table)]
        if positions:
            kept = [row for row in rows if not any(row[i] in gone for i in positions)]
            if len(kept) != len(rows) and "id" in columns:
                at = columns.index("id")
                dropped[table] = {row[at] for row in rows} - {row[at] for row in kept}
            rows = [
                tuple(moved.get(v, v) if i in positions else v for i, v in enumerate(row))
                for row in kept
            ]
        out.append((table, columns, rows))
    if not dropped:
        return out
    # Rows that point at a dropped row (a group's grant of a dropped permission) go as well.
    return [
        (table, columns, _without(table, columns, rows, dropped)) for table, columns, rows in out
    ]


def _without(table, columns, rows, dropped):
    pointers = [
        (columns.index(field.column), dropped[field.related_model._meta.db_table])
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table == table
        for field in model._meta.concrete_fields
        if field.is_relation
        and field.related_model._meta.db_table in dropped
        and field.column in columns
    ]
    if not pointers:
        return rows
    return [row for row in rows if not any(row[at] in ids for at, ids in pointers)]


def restore(taken):
    """Write the rows back, in one transaction (foreign keys are checked at its end, so the
    order of tables does not matter)."""
    snapshot = _remapped(*taken)
    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns, rows in snapshot:
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})",
                rows,
            )
        if connection.vendor == "postgresql":
            # Rows came with their ids: the next new row must not take one of them.
            tables = {table for table, _, _ in snapshot}
            models = [m for m in apps.get_models(include_auto_created=True)
                      if m._meta.db_table in tables]  # fmt: skip
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
