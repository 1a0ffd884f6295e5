"""Test-run speed-ups of the database (installed by the root conftest.py; nothing here runs in production).

`fast_flush`: a transactional test (live server, browser) ends with Django's `flush`, one TRUNCATE of every
table. On PostgreSQL a TRUNCATE replaces each table's and each index's files (some 100 tables and 800
indexes here), 5-7 s per test on the shared machine, although a test writes to a handful of tables. The
flush is the same emptying when only the tables that hold rows are emptied: those are found in one query
and emptied with DELETE in the flush's transaction, the foreign keys checked at its end (Django creates
them DEFERRABLE). When a non-deferrable foreign key touches such a table, or sequences are to be reset,
Django's own TRUNCATE runs as before.
"""

from __future__ import annotations

_ORIGINAL = None


def _nonempty_tables(connection, tables: list[str]) -> list[str]:
    if not tables:
        return []
    qn = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT %s FROM (SELECT 1 FROM {qn(t)} LIMIT 1) AS t{i}" for i, t in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, tables)
        return [row[0] for row in cursor.fetchall()]


def _non_deferrable_fks_touch(connection, tables: list[str]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT 1 FROM pg_constraint
               WHERE contype = 'f' AND NOT condeferrable
                 AND (conrelid::regclass::text = ANY(%s) OR confrelid::regclass::text = ANY(%s))
               LIMIT 1""",
            [tables, tables],
        )
        return cursor.fetchone() is not None


def sql_flush(style, connection, reset_sequences=True, allow_cascade=False):
    if connection.vendor != "postgresql" or reset_sequences:
        return _ORIGINAL(style, connection, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    full = _nonempty_tables(connection, tables)
    if not full:
        return []
    quoted = [connection.ops.quote_name(t) for t in full]
    if _non_deferrable_fks_touch(connection, quoted + full):
        return _ORIGINAL(style, connection, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    return ["SET CONSTRAINTS ALL DEFERRED;"] + [f"DELETE FROM {q};" for q in quoted]


def install_fast_flush() -> None:
    """Route the `flush` command (what TransactionTestCase runs after each test) through `sql_flush`."""
    global _ORIGINAL
    from django.core.management.commands import flush

    if _ORIGINAL is None:
        _ORIGINAL = flush.sql_flush
        flush.sql_flush = sql_flush
