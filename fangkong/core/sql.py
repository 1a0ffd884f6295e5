"""Plain SQL for the few hot paths (a gate scan runs four statements, thousands of times a minute).

On PostgreSQL the statement runs on a psycopg cursor with server-side binding and `prepare=True`:
the server parses and plans it once per connection and reuses the plan (the gate-facts query spent
more time being planned than run). Django's own cursors bind on the client and never prepare. The
statements still run on Django's connection, so they take part in its transactions; they do not go
through Django's query logging, so CaptureQueriesContext does not list them.

Elsewhere (SQLite in `make run`) the statement runs on Django's cursor as is: write it with `%s`
placeholders, and keep PostgreSQL-only syntax behind `connection.vendor` checks at the caller."""

from __future__ import annotations

import psycopg
from django.db import connection


def fetch(sql: str, params=(), *, prepare: bool = True) -> list[tuple]:
    """Run one statement and return its rows ([] for a statement that returns none)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []
    # What Django's cursor() does first: drop a connection that failed its health check, reconnect.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cur:
        cur.execute(sql, params, prepare=prepare)
        return cur.fetchall() if cur.description else []


def fetch_many(statements: list[tuple[str, object]]) -> list[list[tuple]]:
    """Several independent statements in one round trip: on PostgreSQL, psycopg's pipeline mode
    sends them all (prepared) and reads the results together; elsewhere they run one by one."""
    if connection.vendor != "postgresql":
        return [fetch(q, p) for q, p in statements]
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    with connection.wrap_database_errors:
        cursors = [psycopg.Cursor(raw) for _ in statements]
        try:
            with raw.pipeline():
                for cur, (q, p) in zip(cursors, statements, strict=True):
                    cur.execute(q, p, prepare=True)
            return [cur.fetchall() if cur.description else [] for cur in cursors]
        finally:
            for cur in cursors:
                cur.close()


def fetchone(sql: str, params=(), *, prepare: bool = True) -> tuple | None:
    rows = fetch(sql, params, prepare=prepare)
    return rows[0] if rows else None
