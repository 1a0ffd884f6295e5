"""Append-only tables on PostgreSQL: partitioned by time, keyed by district (docs/scaling.md).

A model declares itself append-only with a class attribute, like `scope_path_field`:

    append_only = ByTime("scanned_at", every="day")    # partitioned (this module keeps it so)
    append_only = NotPartitioned("why not")            # append-only, but left whole, with the reason

and `registered()` finds them all. On PostgreSQL such a table is range-partitioned on its time column
(a DEFAULT partition catches rows outside the prepared ranges, so an insert never fails for want of a
partition) and its primary key is (id, <time>, district_path): PostgreSQL wants the partition key in
every unique constraint of a partitioned table, and a distributed PostgreSQL (Citus) wants the
distribution column in it too. `district_path` is a stored generated column, the first two levels of
`area_path` (city + district): every scoped read is within a district, so a district's rows would
live on one shard. Django keeps seeing `id` as the primary key (inbound foreign keys keep working in
the ORM; they carry no database constraint, as a constraint would need the whole composite key).

SQLite (the demo database) is left as it is: every function here is a no-op there."""

from __future__ import annotations

import dataclasses
import datetime
import zoneinfo

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

DISTRIBUTION_COLUMN = "district_path"
# Characters of area_path naming a district: two levels (city, district) of areas.models.STEP each.
DISTRICT_PATH_LEN = 8
EVERY = ("day", "month")
MAX_BACKFILL_DAYS = 366  # a conversion makes partitions for copied rows this far back, no further


@dataclasses.dataclass(frozen=True)
class ByTime:
    column: str  # a DateTimeField or DateField, set once when the row is written
    every: str = "month"  # partition size: "day" for the high-volume tables
    path_column: str = "area_path"

    def __post_init__(self):
        if self.every not in EVERY:
            raise ValueError(f"every must be one of {EVERY}")


@dataclasses.dataclass(frozen=True)
class NotPartitioned:
    reason: str


def registered() -> list:
    """Every model declared `append_only = ByTime(...)`, in app order."""
    return [m for m in apps.get_models() if isinstance(getattr(m, "append_only", None), ByTime)]


def _tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _conn(conn):
    return conn or connection


def is_partitioned(table: str, conn=None) -> bool:
    conn = _conn(conn)
    if conn.vendor != "postgresql":
        return False
    with conn.cursor() as cur:
        cur.execute(
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.relname = %s AND c.relnamespace = 'public'::regnamespace",
            [table],
        )
        return cur.fetchone() is not None


def key_facts(table: str, conn=None) -> dict:
    """What the catalogue says: partition strategy and key columns, primary key columns, partitions."""
    conn = _conn(conn)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT p.partstrat, ARRAY(SELECT a.attname FROM unnest(p.partattrs) k "
            "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = k) "
            "FROM pg_partitioned_table p WHERE p.partrelid = %s::regclass",
            [table],
        )
        part = cur.fetchone()
        cur.execute(
            "SELECT ARRAY(SELECT a.attname FROM unnest(c.conkey) k "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k) "
            "FROM pg_constraint c WHERE c.conrelid = %s::regclass AND c.contype = 'p'",
            [table],
        )
        pk = cur.fetchone()
        cur.execute(
            "SELECT a.attgenerated FROM pg_attribute a WHERE a.attrelid = %s::regclass AND a.attname = %s",
            [table, DISTRIBUTION_COLUMN],
        )
        dist = cur.fetchone()
    return {
        "strategy": part[0] if part else None,  # 'r' = range
        "partition_key": list(part[1]) if part else [],
        "primary_key": list(pk[0]) if pk else [],
        "distribution_generated": bool(dist and dist[0] == "s"),
        "partitions": sorted(existing_partitions(table, conn)),
    }


def existing_partitions(table: str, conn=None) -> set[str]:
    conn = _conn(conn)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [table],
        )
        return {r[0] for r in cur.fetchall()}


def partition_name(table: str, day: datetime.date, every: str = "day") -> str:
    return f"{table}_p{day:%Y%m%d}" if every == "day" else f"{table}_p{day:%Y%m}"


def _ranges(spec: ByTime, start: datetime.date, days: int):
    """(first day, day after) of each partition covering `days` days from `start`."""
    if spec.every == "day":
        for i in range(days):
            day = start + datetime.timedelta(days=i)
            yield day, day + datetime.timedelta(days=1)
        return
    month = start.replace(day=1)
    end = start + datetime.timedelta(days=days)
    while month < end:
        nxt = (month + datetime.timedelta(days=32)).replace(day=1)
        yield month, nxt
        month = nxt


def _is_date(table: str, column: str, cur) -> bool:
    cur.execute(
        "SELECT atttypid = 'date'::regtype FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s",
        [table, column],
    )
    return cur.fetchone()[0]


def _bound(is_date: bool, day: datetime.date):
    """A range bound in the column's own type: a date, or local midnight for a timestamp."""
    return day if is_date else datetime.datetime.combine(day, datetime.time(), tzinfo=_tz())


def _columns(table: str, cur) -> list[str]:
    """The table's writable columns (generated ones are computed by the server, never written)."""
    cur.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
        [table],
    )
    return [r[0] for r in cur.fetchall()]


def ensure_table(
    table: str, spec: ByTime, *, start: datetime.date | None = None, days: int = 14, conn=None
) -> list[str]:
    """Create the partitions of `table` covering `days` days from `start` (default yesterday); rows
    the DEFAULT partition already holds for a new range move into it. Returns those created."""
    conn = _conn(conn)
    if not is_partitioned(table, conn):
        return []
    start = start or (datetime.datetime.now(_tz()).date() - datetime.timedelta(days=1))
    have = existing_partitions(table, conn)
    with conn.cursor() as cur:
        is_date = _is_date(table, spec.column, cur)
    created = []
    for first, after in _ranges(spec, start, days):
        name = partition_name(table, first, spec.every)
        if name in have:
            continue
        lo, hi = _bound(is_date, first), _bound(is_date, after)
        with transaction.atomic(using=conn.alias), conn.cursor() as cur:
            # A new partition may not overlap rows in DEFAULT: move them into it, then attach.
            cur.execute(
                f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED)"
            )
            cols = ", ".join(_columns(table, cur))
            cur.execute(
                f"WITH moved AS (DELETE FROM {table}_default WHERE {spec.column} >= %s AND {spec.column} < %s "
                f"RETURNING {cols}) INSERT INTO {name} ({cols}) SELECT {cols} FROM moved",
                [lo, hi],
            )
            cur.execute(f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", [lo, hi])
        created.append(name)
    return created


def partitions_ensure(
    *, start: datetime.date | None = None, days: int = 14, conn=None
) -> dict[str, list[str]]:
    """The coming partitions of every registered table (run daily): {table: partitions created}."""
    return {
        m._meta.db_table: ensure_table(m._meta.db_table, m.append_only, start=start, days=days, conn=conn)
        for m in registered()
    }


# --- Migrations: turn a plain table into a partitioned one (create new, copy, swap) and back ---------


def _inbound_fks(table: str, cur) -> list[str]:
    cur.execute(
        "SELECT conrelid::regclass::text || '.' || conname FROM pg_constraint "
        "WHERE contype = 'f' AND confrelid = %s::regclass AND conrelid <> confrelid",
        [table],
    )
    return [r[0] for r in cur.fetchall()]


def _definitions(table: str, cur) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Index statements (indexes not behind a constraint) and (name, type, definition) of constraints
    other than the primary key, NOT NULL and CHECK (LIKE … INCLUDING CONSTRAINTS copies the CHECKs)."""
    cur.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid "
        "AND c.conrelid = i.indrelid)",
        [table],
    )
    indexes = [r[0] for r in cur.fetchall()]
    cur.execute(
        "SELECT conname, contype, pg_get_constraintdef(c.oid), ARRAY(SELECT a.attname FROM unnest(c.conkey) k "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k) FROM pg_constraint c "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f', 'x') ORDER BY conname",
        [table],
    )
    return indexes, cur.fetchall()


def _swap(schema_editor, table: str, spec: ByTime, *, partitioned: bool) -> None:
    """Rebuild the table as partitioned (or plain again): new table, copy rows, drop the old one,
    take its name, put the same indexes and constraints back. Fast on the small demo and test
    databases; a production table this size is converted in a maintenance window (docs/scaling.md)."""
    new = f"{table}__new"
    with schema_editor.connection.cursor() as cur:
        inbound = _inbound_fks(table, cur)
        if inbound:
            # A foreign key into a partitioned table must name the whole composite key: the model
            # fields pointing here declare db_constraint=False first (an AlterField in the migration).
            raise RuntimeError(f"{table}: foreign keys still point here: {', '.join(inbound)}")
        indexes, constraints = _definitions(table, cur)
        if partitioned:
            for name, kind, _definition, keys in constraints:
                if kind in "ux" and spec.column not in keys:
                    raise RuntimeError(f"{table}.{name}: a unique constraint must include {spec.column}")
        cols = ", ".join(c for c in _columns(table, cur) if c != DISTRIBUTION_COLUMN)
        like = "LIKE {} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY INCLUDING STORAGE".format
        if partitioned:
            cur.execute(f"CREATE TABLE {new} ({like(table)}) PARTITION BY RANGE ({spec.column})")
            cur.execute(
                f"ALTER TABLE {new} ADD COLUMN {DISTRIBUTION_COLUMN} varchar({DISTRICT_PATH_LEN}) "
                f"GENERATED ALWAYS AS (left({spec.path_column}, {DISTRICT_PATH_LEN})) STORED"
            )
            cur.execute(f"CREATE TABLE {new}_default PARTITION OF {new} DEFAULT")
        else:
            cur.execute(f"CREATE TABLE {new} ({like(table)})")
            cur.execute(f"ALTER TABLE {new} DROP COLUMN IF EXISTS {DISTRIBUTION_COLUMN}")
        cur.execute(f"INSERT INTO {new} ({cols}) SELECT {cols} FROM {table}")
        # Deferred foreign-key checks still pending on the old table (rows written earlier in this
        # transaction) would forbid dropping it: run them now, then defer again (Django's default).
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute(f"DROP TABLE {table}")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        cur.execute(f"ALTER TABLE {new} RENAME TO {table}")
        if partitioned:
            cur.execute(f"ALTER TABLE {new}_default RENAME TO {table}_default")
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        seq = cur.fetchone()[0]
        cur.execute(f"ALTER SEQUENCE {seq} RENAME TO {table}_id_seq")
        cur.execute(
            f"SELECT setval('{table}_id_seq', COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
        )
        key = f"id, {spec.column}, {DISTRIBUTION_COLUMN}" if partitioned else "id"
        cur.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({key})")
        for name, _kind, definition, _keys in constraints:
            cur.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        for statement in indexes:
            cur.execute(statement)
    if partitioned:
        # Partitions from the oldest copied row on (at most a year back), so that retention can drop
        # whole old partitions instead of deleting rows from DEFAULT; then the usual days ahead.
        with schema_editor.connection.cursor() as cur:
            cur.execute(f"SELECT MIN({spec.column}) FROM {table}")
            oldest = cur.fetchone()[0]
        today = datetime.datetime.now(_tz()).date()
        if oldest is not None:
            oldest = oldest.astimezone(_tz()).date() if isinstance(oldest, datetime.datetime) else oldest
            start = max(min(oldest, today), today - datetime.timedelta(days=MAX_BACKFILL_DAYS))
            ensure_table(
                table, spec, start=start, days=(today - start).days + 14, conn=schema_editor.connection
            )
        else:
            ensure_table(table, spec, conn=schema_editor.connection)


def partition_table(table: str, spec: ByTime):
    """RunPython functions (forwards, backwards) partitioning `table` on PostgreSQL; nothing elsewhere.
    The spec is written out in the migration (not read from the model) so history stays fixed."""

    def forwards(_apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql" and not is_partitioned(
            table, schema_editor.connection
        ):
            _swap(schema_editor, table, spec, partitioned=True)

    def backwards(_apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql" and is_partitioned(
            table, schema_editor.connection
        ):
            _swap(schema_editor, table, spec, partitioned=False)

    return forwards, backwards


def key_table(table: str, spec: ByTime):
    """RunPython functions for a table partitioned before this module (gates_scanevent): add the
    district column and make the primary key (id, time, district_path); backwards, (id, time) again."""

    def forwards(_apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {DISTRIBUTION_COLUMN} varchar({DISTRICT_PATH_LEN}) "
            f"GENERATED ALWAYS AS (left({spec.path_column}, {DISTRICT_PATH_LEN})) STORED"
        )
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY (id, {spec.column}, {DISTRIBUTION_COLUMN})"
        )

    def backwards(_apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY (id, {spec.column})"
        )
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {DISTRIBUTION_COLUMN}")

    return forwards, backwards
