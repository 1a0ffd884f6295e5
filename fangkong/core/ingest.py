"""The write half of every file import (survey, laboratory results, the hotline's dispatch file), shared:
phase timing, COPY of prepared rows (a multi-row INSERT on SQLite), a temporary staging table and the
one-statement merge out of it. Reading files is core.imports; validating rows is each service's.

How an import uses it (issue 23, "Ingest near the limit"): read the file (core.imports), validate the rows
set-wise (one query per lookup set), then COPY the prepared rows — straight into the destination when
they are all new, or into a staging table merged with one INSERT … SELECT / UPDATE … FROM per target
table — write the change log in bulk (core.audit.record_bulk) and update maintained counts once. Every
step runs inside the service's transaction: one bad row and nothing is written.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Sequence

from django.db import connection

# The phases every import reports (bench/README.md prints them side by side).
PHASES = ("read", "validate", "write", "side_effects")


class Phases:
    """Wall-clock seconds per phase of one import: `with phases("write"): ...`; a phase may be entered
    several times (its seconds add up). Benchmarks read `.seconds`; nothing is stored."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, name: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t0

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in self.seconds.items()}


def _quoted(columns: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(c) for c in columns)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write prepared rows (tuples in `columns` order) into `table`: COPY on PostgreSQL, streamed as
    `rows` yields them (so the server's index work overlaps the caller's preparing of the next rows),
    executemany elsewhere. Answers the number of rows."""
    cols = _quoted(columns)
    n = 0
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.wrap_database_errors, connection.connection.cursor() as cur:
            with cur.copy(f"COPY {connection.ops.quote_name(table)} ({cols}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
                    n += 1
        return n
    rows = list(rows)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cur:
        cur.executemany(f"INSERT INTO {connection.ops.quote_name(table)} ({cols}) VALUES ({marks})", rows)
    return len(rows)


def staging_table(name: str, like: str, columns: Sequence[str]) -> str:
    """A temporary table with the types of `like`'s `columns`, no indexes and no constraints, dropped at
    the end of the transaction (PostgreSQL: ON COMMIT DROP, no WAL). Answers its name."""
    cols = _quoted(columns)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                f"CREATE TEMP TABLE {connection.ops.quote_name(name)} ON COMMIT DROP AS "
                f"SELECT {cols} FROM {connection.ops.quote_name(like)} WITH NO DATA"
            )
        else:
            cur.execute(f"DROP TABLE IF EXISTS temp.{connection.ops.quote_name(name)}")
            cur.execute(
                f"CREATE TEMP TABLE {connection.ops.quote_name(name)} AS "
                f"SELECT {cols} FROM {connection.ops.quote_name(like)} WHERE 0"
            )
    return name


def merge_insert(table: str, staging: str, columns: Sequence[str], *, conflict: str = "") -> int:
    """One INSERT … SELECT of the staged rows into `table` (`conflict`: an ON CONFLICT clause, e.g.
    "ON CONFLICT (id_hash) DO NOTHING"). Answers the rows inserted."""
    cols = _quoted(columns)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {connection.ops.quote_name(table)} ({cols}) "
            f"SELECT {cols} FROM {connection.ops.quote_name(staging)} {conflict}"
        )
        return cur.rowcount
