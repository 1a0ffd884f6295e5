"""Backups and restores of the whole database (the `backup` and `restore` commands; docs/operations.md).

PostgreSQL: `pg_dump -Fc` (custom format: compressed, restorable table by table and in parallel) and
`pg_restore` into a named database that is created fresh. SQLite (`make run`): SQLite's online backup
API, a consistent copy even while the server writes.

A dump holds personal data encrypted under FANGKONG_FIELD_KEY and indexed under FANGKONG_HMAC_KEY:
without those keys it restores, but no ID number or phone in it can be read or found again.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

# libpq's connection keywords that dj-database-url may leave in OPTIONS (sslmode=..., sslrootcert=...).
_LIBPQ_OPTIONS = {
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslcrl",
    "connect_timeout",
    "target_session_attrs",
    "application_name",
    "gssencmode",
}
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$")


MANIFEST_SUFFIX = ".json"


class BackupError(Exception):
    """A backup or restore that did not happen; the message says why (no partial file is left)."""


@dataclass
class Outcome:
    path: Path
    database: str
    size: int = 0
    tables: int = 0
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)

    def summary(self, verb: str) -> str:
        return (
            f"{verb} {self.database} {'to' if verb == 'backed up' else 'from'} {self.path}: "
            f"{self.size:,} bytes, {self.tables} tables, {self.seconds:.1f} s"
        )


def is_postgres(settings_dict: dict) -> bool:
    return settings_dict["ENGINE"].endswith("postgresql")


def _libpq_params(settings_dict: dict, dbname: str | None = None) -> dict[str, str]:
    params = {
        "dbname": dbname or settings_dict["NAME"],
        "host": settings_dict.get("HOST") or "",
        "port": str(settings_dict.get("PORT") or ""),
        "user": settings_dict.get("USER") or "",
    }
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if key in _LIBPQ_OPTIONS:
            params[key] = str(value)
    return {k: v for k, v in params.items() if v}


def _conninfo(params: dict[str, str]) -> str:
    # The password travels in PGPASSWORD, never on a command line that `ps` shows.
    return " ".join(
        f"{k}='{v.replace(chr(92), chr(92) * 2).replace(chr(39), chr(92) + chr(39))}'"
        for k, v in params.items()
    )


def _env(settings_dict: dict) -> dict[str, str]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    if shutil.which(args[0]) is None:
        raise BackupError(
            f"{args[0]} not found in PATH (install the PostgreSQL client, e.g. postgresql-client-15)"
        )
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
    return done


def default_filename(database: str, *, postgres: bool) -> str:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"fangkong-{Path(database).stem}-{stamp}.{'dump' if postgres else 'sqlite3'}"


def dump_tables(path: Path) -> int:
    """Tables whose rows a custom-format dump holds (its table of contents: `pg_restore --list`)."""
    listing = _run(["pg_restore", "--list", str(path)], dict(os.environ)).stdout
    return sum(1 for line in listing.splitlines() if " TABLE DATA " in line)


def backup(settings_dict: dict, path: Path) -> Outcome:
    """Dump the database to `path`, written beside it first and renamed when complete."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists; a backup never overwrites a file")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    start = time.monotonic()
    try:
        if is_postgres(settings_dict):
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    f"--file={partial}",
                    f"--dbname={_conninfo(_libpq_params(settings_dict))}",
                ],
                _env(settings_dict),
            )
            tables = dump_tables(partial)
        else:
            source = sqlite3.connect(f"file:{settings_dict['NAME']}?mode=ro", uri=True)
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
                tables = _sqlite_table_count(target)
            finally:
                target.close()
                source.close()
        partial.rename(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Outcome(
        path=path,
        database=str(settings_dict["NAME"]),
        size=path.stat().st_size,
        tables=tables,
        seconds=time.monotonic() - start,
    )


def _sqlite_table_count(conn: sqlite3.Connection) -> int:
    return conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchone()[0]


def _maintenance(settings_dict: dict) -> psycopg.Connection:
    """A connection to the server's `postgres` database, from which databases are created and dropped."""
    return psycopg.connect(
        **_libpq_params(settings_dict, "postgres"),
        password=settings_dict.get("PASSWORD") or None,
        autocommit=True,
    )


def database_exists(settings_dict: dict, name: str) -> bool:
    with _maintenance(settings_dict) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def user_tables(settings_dict: dict, name: str) -> int:
    """Tables (outside the system schemas) in database `name`: a fresh database has none."""
    with psycopg.connect(
        **_libpq_params(settings_dict, name), password=settings_dict.get("PASSWORD") or None
    ) as conn:
        return conn.execute(
            """SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                 AND n.nspname NOT LIKE 'pg_toast%%'"""
        ).fetchone()[0]


def drop_database(settings_dict: dict, name: str) -> None:
    with _maintenance(settings_dict) as conn:
        # WITH (FORCE) (PostgreSQL 13+) ends the sessions still connected to it.
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def restore(settings_dict: dict, path: Path, into: str, *, force: bool = False, jobs: int = 1) -> Outcome:
    """Restore the dump at `path` into database `into` (a name on the same server as `settings_dict`,
    or for SQLite a file path). A missing database is created; an existing empty one is used; one that
    holds any table is refused unless `force`, which drops and re-creates it."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    start = time.monotonic()
    if not is_postgres(settings_dict):
        return _restore_sqlite(path, Path(into), force=force, start=start)
    if not _NAME.match(into):
        raise BackupError(f"{into!r} is not a plain database name (letters, digits, _ . -)")
    tables_in_dump = dump_tables(path)  # also proves that the file is a custom-format dump
    created = False
    if database_exists(settings_dict, into):
        if user_tables(settings_dict, into):
            if not force:
                raise BackupError(
                    f"database {into} is not empty; restore into a new name, or pass --force to drop and "
                    "re-create it (every session on it is ended)"
                )
            drop_database(settings_dict, into)
    if not database_exists(settings_dict, into):
        with _maintenance(settings_dict) as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(into))
            )
        created = True
    try:
        _run(
            [
                "pg_restore",
                "--exit-on-error",
                "--no-owner",
                # One transaction (all or nothing, one commit instead of one per object: about twice as
                # fast here) unless parallel jobs are asked for, which need their own connections.
                *(["--single-transaction"] if jobs <= 1 else [f"--jobs={jobs}"]),
                f"--dbname={_conninfo(_libpq_params(settings_dict, into))}",
                str(path),
            ],
            _env(settings_dict),
        )
    except BackupError:
        if created:  # nothing half-restored is left under the name asked for
            drop_database(settings_dict, into)
        raise
    return Outcome(
        path=path,
        database=into,
        size=path.stat().st_size,
        tables=tables_in_dump,
        seconds=time.monotonic() - start,
    )


def _restore_sqlite(path: Path, into: Path, *, force: bool, start: float) -> Outcome:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = _sqlite_table_count(source)
    except sqlite3.DatabaseError as exc:
        source.close()
        raise BackupError(f"{path} is not an SQLite database: {exc}") from exc
    if into.exists() and into.stat().st_size:
        existing = sqlite3.connect(into)
        try:
            nonempty = _sqlite_table_count(existing) > 0
        finally:
            existing.close()
        if nonempty and not force:
            source.close()
            raise BackupError(f"{into} is not empty; restore into a new file, or pass --force to replace it")
    partial = into.with_name(into.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
        finally:
            target.close()
        partial.replace(into)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    return Outcome(
        path=path,
        database=str(into),
        size=path.stat().st_size,
        tables=tables,
        seconds=time.monotonic() - start,
    )


def _fingerprint(key: str | bytes) -> str:
    """A short public name of a key: tells which key a dump needs without revealing it."""
    raw = key if isinstance(key, bytes) else key.encode()
    return hashlib.sha256(b"fangkong-key-fingerprint:" + raw).hexdigest()[:12]


def key_fingerprints() -> dict:
    """Fingerprints of the data keys in force (the derived ones in demo and tests)."""
    import base64

    from django.conf import settings

    from fangkong.core import crypto

    field = settings.FIELD_KEYS or [base64.urlsafe_b64encode(crypto._derived("fangkong-field-key")).decode()]
    hmac_key = settings.HMAC_KEY.encode() if settings.HMAC_KEY else crypto._derived("fangkong-hmac-key")
    return {"field_keys": [_fingerprint(k) for k in field], "hmac_key": _fingerprint(hmac_key)}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + MANIFEST_SUFFIX)


def write_manifest(outcome: Outcome) -> Path:
    """Beside the dump: what it is, its checksum (for copies off-site), and which keys it needs."""
    target = manifest_path(outcome.path)
    data = {
        "file": outcome.path.name,
        "database": outcome.database,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "bytes": outcome.size,
        "tables": outcome.tables,
        "sha256": _sha256(outcome.path),
        "keys": key_fingerprints(),
    }
    target.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return target


def check_manifest(path: Path) -> list[str]:
    """Before a restore: a dump whose checksum differs from its manifest is refused; keys that cannot
    read it are warned about (the restore itself works, the personal data in it would not)."""
    target = manifest_path(path)
    if not target.is_file():
        return [f"no manifest {target.name}: checksum and keys not verified"]
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"manifest {target.name} unreadable ({exc}): checksum and keys not verified"]
    if data.get("sha256") and data["sha256"] != _sha256(Path(path)):
        raise BackupError(f"{path} does not match the checksum in {target.name}: the copy is damaged")
    warnings = []
    wanted, now = data.get("keys") or {}, key_fingerprints()
    needed = (wanted.get("field_keys") or [None])[0]
    if needed and needed not in now["field_keys"]:
        warnings.append(
            f"FANGKONG_FIELD_KEY in force cannot read this dump: it was made under the key with fingerprint "
            f"{needed} (now: {', '.join(now['field_keys'])}). ID numbers and phones stay unreadable until "
            "that key is listed in FANGKONG_FIELD_KEY."
        )
    if wanted.get("hmac_key") and wanted["hmac_key"] != now["hmac_key"]:
        warnings.append(
            f"FANGKONG_HMAC_KEY differs from the dump's (fingerprint {wanted['hmac_key']}, now "
            f"{now['hmac_key']}): search by ID number or phone finds nothing until `manage.py rotate_keys` "
            "rebuilds the index (it needs the field key)."
        )
    return warnings


def prune(directory: Path, database: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` dumps of `database` that `backup` named in `directory` (with
    their manifests)."""
    stem = Path(database).stem
    mine = sorted(
        p
        for p in Path(directory).glob(f"fangkong-{stem}-*Z.*")
        if p.suffix in (".dump", ".sqlite3") and p.name[len(f"fangkong-{stem}-") :].count("-") == 0
    )
    doomed = mine[: max(0, len(mine) - keep)]
    for p in doomed:
        p.unlink()
        manifest_path(p).unlink(missing_ok=True)
    return doomed
