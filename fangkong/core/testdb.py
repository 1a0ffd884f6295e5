"""Test-run speed-ups of the database (installed by the root conftest.py; nothing here runs in production).

`fast_flush`: a transactional test (live server, browser) ends with Django's `flush`, one TRUNCATE of every
table. On PostgreSQL a TRUNCATE replaces each table's and each index's files (some 100 tables and 800
indexes here), 5-7 s per test on the shared machine, although a test writes to a handful of tables. The
flush is the same emptying when only the tables that hold rows are emptied: those are found in one query
and emptied with DELETE in the flush's transaction, the foreign keys checked at its end (Django creates
them DEFERRABLE). When a non-deferrable foreign key touches such a table, sequences are to be reset or
the tables hold many rows (DELETE_AT_MOST), Django's own TRUNCATE runs as before.
"""

from __future__ import annotations

_ORIGINAL = None


# Above this many rows (the demo, ~25,000, committed by a browser test) one TRUNCATE of everything is faster;
# what migrations load (permissions, roles, policies) is ~1,600.
DELETE_AT_MOST = 8000


def _row_counts(connection, tables: list[str], limit: int) -> dict[str, int]:
    """Rows of each table that holds any, counted up to `limit` (one query)."""
    if not tables:
        return {}
    qn = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT %s, count(*) FROM (SELECT 1 FROM {qn(t)} LIMIT {int(limit)}) AS t{i} HAVING count(*) > 0"
        for i, t in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, tables)
        return dict(cursor.fetchall())


def _nonempty_tables(connection, tables: list[str]) -> list[str]:
    return list(_row_counts(connection, tables, 1))


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
    counts = _row_counts(connection, tables, DELETE_AT_MOST + 1)
    if not counts:
        return []
    if sum(counts.values()) > DELETE_AT_MOST:
        return _ORIGINAL(style, connection, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    full = list(counts)
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


# ---------------------------------------------------------------------------------------------------------
# seed_demo once per test run
#
# The walk, the workbench test and the demo's browser tests each run `seed_demo` (20-50 s each on the
# shared machine). Under tests the command seeds for real the first time (through the services, as ever)
# and keeps what it wrote: every Django table's rows (COPY), the sequences and the files it added under
# MEDIA_ROOT, in a file every pytest-xdist worker of the run can read. A later call with the same options on
# a database in exactly the same state as the first call found (the same rows in every table, the same
# tables and columns, the same day) loads that result instead of seeding again; any other state seeds for
# real. So a test sees the very rows the seed writes. Each worker's database is migrated on its own (the
# migrated policies carry their creation time), so in practice a worker reuses its own first seed: the
# walk, the workbench test and the demo's browser tests seed twice per run with two workers, not five.

import hashlib  # noqa: E402
import os  # noqa: E402
import pickle  # noqa: E402
from pathlib import Path  # noqa: E402

_SEED_HANDLE = None
_DEMO_CACHE_DIR: Path | None = None
STATS = {"seeded": 0, "loaded": 0}


def _tables_and_columns(connection) -> dict[str, list[str]]:
    tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = ANY(%s) AND is_generated = 'NEVER'
               ORDER BY table_name, ordinal_position""",
            [tables],
        )
        out: dict[str, list[str]] = {t: [] for t in tables}
        for table, column in cursor.fetchall():
            out[table].append(column)
    return out


def _copy_out(connection, table: str, columns: list[str]) -> bytes:
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        chunks = []
        with cursor.cursor.copy(
            f"COPY (SELECT {cols} FROM {qn(table)} ORDER BY 1) TO STDOUT (FORMAT binary)"
        ) as copy:
            for chunk in copy:
                chunks.append(bytes(chunk))
    return b"".join(chunks)


def _contents(connection, layout: dict[str, list[str]], tables: list[str]) -> dict[str, bytes]:
    return {t: _copy_out(connection, t, layout[t]) for t in tables}


def _sequences(connection) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value FROM pg_sequences"
            " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        )
        return dict(cursor.fetchall())


def _media_files() -> dict[str, float]:
    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return {}
    return {str(p.relative_to(root)): p.stat().st_mtime for p in root.rglob("*") if p.is_file()}


def _through_tables() -> set[str]:
    from django.apps import apps

    return {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.auto_created}


def _state_key(connection, options: dict) -> tuple[str, dict[str, list[str]]]:
    """What the seed's result depends on besides its code: the options, the day, the whole database."""
    from django.utils import timezone

    layout = _tables_and_columns(connection)
    digest = hashlib.sha256(repr((sorted(options.items()), str(timezone.localdate()), layout)).encode())
    through = _through_tables()
    for table in _nonempty_tables(connection, list(layout)):
        # A many-to-many row's own id is nobody's reference (a serialized rollback renumbers them).
        columns = [c for c in layout[table] if not (table in through and c == "id")]
        digest.update(table.encode() + b"\0" + _copy_out(connection, table, columns))
    return digest.hexdigest()[:32], layout


def _load(connection, snapshot: dict, layout: dict[str, list[str]]) -> None:
    from django.conf import settings

    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in _nonempty_tables(connection, list(layout)):
            cursor.execute(f"DELETE FROM {qn(table)}")
        for table, data in snapshot["tables"].items():
            cols = ", ".join(qn(c) for c in layout[table])
            with cursor.cursor.copy(f"COPY {qn(table)} ({cols}) FROM STDIN (FORMAT binary)") as copy:
                copy.write(data)
        current = _sequences(connection)
        for name, value in snapshot["sequences"].items():
            cursor.execute("SELECT setval(%s, %s)", [name, max(value, current.get(name, 0))])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # The rows come back with the ids an earlier test of this worker saw: what the process cached from
    # that test's data (live figures, counters) must not answer for this one.
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    for alias in settings.CACHES:
        if isinstance(caches[alias], LocMemCache):
            caches[alias].clear()
    root = Path(settings.MEDIA_ROOT)
    for rel, data in snapshot["media"].items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _cached_handle(self, *args, **options):
    import fcntl

    from django.db import connection, transaction

    if connection.vendor != "postgresql" or _DEMO_CACHE_DIR is None:
        return _SEED_HANDLE(self, *args, **options)
    keyed = {k: options.get(k) for k in ("seed", "scale", "residents", "if_empty")}
    with transaction.atomic():
        key, layout = _state_key(connection, keyed)
        path = _DEMO_CACHE_DIR / f"seed_demo-{key}.pickle"
        with open(path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another worker seeding the same state: wait for its result
            if path.exists():
                snapshot = pickle.loads(path.read_bytes())
                _load(connection, snapshot, layout)
                STATS["loaded"] += 1
                _log(f"loaded {path.name}")
                self.stdout.write(snapshot["output"], ending="")
                return
            media_before = _media_files()
            stdout, self.stdout._out = self.stdout._out, _Tee(self.stdout._out)
            try:
                _SEED_HANDLE(self, *args, **options)
            finally:
                output, self.stdout._out = self.stdout._out.text(), stdout
            STATS["seeded"] += 1
            _log(f"seeded {path.name}")
            from django.conf import settings

            media = _media_files()
            root = Path(settings.MEDIA_ROOT)
            snapshot = {
                "tables": _contents(connection, layout, _nonempty_tables(connection, list(layout))),
                "sequences": _sequences(connection),
                "media": {
                    rel: (root / rel).read_bytes()
                    for rel, mtime in media.items()
                    if media_before.get(rel) != mtime
                },
                "output": output,
            }
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pickle.dumps(snapshot, protocol=pickle.HIGHEST_PROTOCOL))
            tmp.replace(path)


def _log(what: str) -> None:
    """FANGKONG_DEMO_CACHE_LOG=<file>: one line per seed_demo call (which worker, seeded or loaded)."""
    if log := os.environ.get("FANGKONG_DEMO_CACHE_LOG"):
        with open(log, "a") as f:
            f.write(f"{os.environ.get('PYTEST_XDIST_WORKER', '-')} {what}\n")


class _Tee:
    def __init__(self, out):
        self.out, self.parts = out, []

    def write(self, s):
        self.parts.append(s)
        return self.out.write(s)

    def flush(self):
        return self.out.flush() if hasattr(self.out, "flush") else None

    def text(self) -> str:
        return "".join(self.parts)

    def __getattr__(self, name):
        return getattr(self.out, name)


def install_demo_cache(directory: Path) -> None:
    """Under tests, `seed_demo` keeps its result in `directory` (shared by the run's workers) and reuses it."""
    global _SEED_HANDLE, _DEMO_CACHE_DIR
    from fangkong.core.management.commands.seed_demo import Command

    _DEMO_CACHE_DIR = Path(directory)
    _DEMO_CACHE_DIR.mkdir(parents=True, exist_ok=True)
    if _SEED_HANDLE is None:
        _SEED_HANDLE = Command.handle
        Command.handle = _cached_handle
