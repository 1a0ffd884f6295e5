"""Run a command with DATABASE_URL pointing at PostgreSQL when one answers, else SQLite.

CI sets DATABASE_URL itself; on a developer machine the local server (trust auth) is used
when it is up, so `make test` runs on the production database by default.
"""

import os
import socket
import sys

LOCAL_PG = "postgres://postgres@127.0.0.1:5432/fangkong"


def main() -> int:
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        try:
            socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
            env["DATABASE_URL"] = LOCAL_PG
        except OSError:
            env["DATABASE_URL"] = "sqlite:///test-db.sqlite3"
            print("PostgreSQL not reachable: testing on SQLite", file=sys.stderr)
    if env["DATABASE_URL"].startswith("postgres"):
        _ensure_database(env["DATABASE_URL"])
    os.execvpe(sys.argv[1], sys.argv[1:], env)


def _ensure_database(url: str) -> None:
    """Create the (non-test) database if missing, so migration checks see a real history."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    try:
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        print(f"could not create database {name}: {exc}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
