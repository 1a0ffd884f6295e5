"""The restore drill (issue 24, docs/operations.md): seed, dump with `manage.py backup`, restore with
`manage.py restore` into a fresh database, then prove the copy is whole and usable: the same rows in every
table (counted from the catalogue on both sides), a person's ID number decrypted, a gate scan recorded
through the service and a policy looked up, by a separate process that runs on the restored database
exactly as a restored server would. PostgreSQL only (pg_dump/pg_restore); a few seconds."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from fangkong.core import backups

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the restore drill needs PostgreSQL (pg_dump/pg_restore)"
)

# Runs in a child process on the restored database (DATABASE_URL points at it): nothing here can see
# the original test database. Prints one JSON object with what it found.
DRILL = r"""
import json, sys
import django
django.setup()
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from fangkong.areas.models import Area, Place
from fangkong.core import crypto
from fangkong.gates import services as gate_services
from fangkong.gates.models import ScanEvent
from fangkong.people.models import Person
from fangkong.policies.selectors import policy_value

args = json.loads(sys.argv[1])
out = {"database": django.db.connection.settings_dict["NAME"]}
person = Person.objects.get(id_hash=crypto.blind_index(args["number"], kind="id"))
out["person"] = person.pk
out["decrypted"] = crypto.decrypt(person.id_number_enc)
community = Area.objects.get(pk=args["community"])
out["threshold"] = str(policy_value("gate.temperature.threshold", area=community))
before = ScanEvent.objects.count()
scan, res = gate_services.scan_record(
    actor=None, place=Place.objects.get(pk=args["gate"]), code=args["number"], temperature="37.1"
)
out["scan"] = {"status": res.status, "result": scan.verdict, "codes": scan.reasons, "person": scan.person_id}
out["scans_added"] = ScanEvent.objects.count() - before
# The same dump under other keys: nothing in it can be read, and no ID number is found by its index.
settings.FIELD_KEYS, settings.HMAC_KEY = [Fernet.generate_key().decode()], "another-hmac-key-" * 2
crypto.reset_keys()
try:
    crypto.decrypt(person.id_number_enc)
    out["other_key_reads"] = True
except InvalidToken:
    out["other_key_reads"] = False
out["other_key_finds"] = Person.objects.filter(id_hash=crypto.blind_index(args["number"], kind="id")).exists()
print(json.dumps(out))
"""


def _row_counts(settings_dict: dict, name: str) -> dict[str, int]:
    """Rows of every ordinary table (partitions included) in database `name`, from the catalogue."""
    params = backups._libpq_params(settings_dict, name)
    with psycopg.connect(**params, password=settings_dict.get("PASSWORD") or None) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                """SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
                   JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                     AND n.nspname NOT LIKE 'pg_toast%%' ORDER BY 1"""
            )
        ]
        union = " UNION ALL ".join(f"SELECT %s, count(*) FROM {t}" for t in tables)
        return dict(conn.execute(union, tables).fetchall())


def _database_url(settings_dict: dict, name: str) -> str:
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{user}{password}{'@' if user else ''}{host}{port}/{name}"


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_drill(tree, tmp_path):
    from fangkong.core.testing import migrated_data_reload
    from fangkong.gates import services as gate_services
    from fangkong.gates.tests.factories import make_post, resident
    from fangkong.policies.models import Policy, PolicyDefinition

    # Transactional tests may find the database flushed by an earlier one: policies come back first.
    migrated_data_reload()
    # The seed (committed: pg_dump sees only committed rows): residents with passes, a gate post, a
    # community's own version of a policy, and a scan already recorded.
    person, number = resident(tree.a.household)
    resident(tree.b.household, phone="13800138000")
    post = make_post(tree.a.community)
    Policy.objects.create(
        definition=PolicyDefinition.objects.get(key="gate.temperature.threshold"),
        value="37.0",
        effective_from=timezone.now() - timezone.timedelta(hours=1),
        area=tree.a.community,
        area_path=tree.a.community.path,
        version=1,
        source="restore drill",
    )
    gate_services.scan_record(actor=None, place=post.place, code=number, temperature="36.5")

    settings_dict = connection.settings_dict
    dump = tmp_path / "drill.dump"
    out = io.StringIO()
    call_command("backup", output=str(dump), stdout=out)
    assert dump.is_file() and dump.stat().st_size > 0
    tables_in_dump = backups.dump_tables(dump)
    assert tables_in_dump > 100  # every app's tables, not a fragment
    assert f"{tables_in_dump} tables" in out.getvalue() and str(dump) in out.getvalue()
    assert not list(tmp_path.glob("*.partial"))
    manifest = json.loads(backups.manifest_path(dump).read_text())
    assert manifest["tables"] == tables_in_dump and manifest["bytes"] == dump.stat().st_size
    assert manifest["keys"] == backups.key_fingerprints()
    assert manifest["keys"]["field_keys"][0] in out.getvalue()
    with pytest.raises(CommandError, match="exists"):  # a backup never overwrites a file
        call_command("backup", output=str(dump), stdout=io.StringIO())

    # Unique per test database (one per pytest-xdist worker) and per run; a copy left by a run that was
    # killed mid-drill (on a machine that keeps its server) goes first.
    restored = f"{settings_dict['NAME']}_drill_{uuid.uuid4().hex[:8]}"
    with backups._maintenance(settings_dict) as conn:
        stale = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{settings_dict['NAME']}\\_drill\\_%"]
        ).fetchall()
    for (name,) in stale:
        backups.drop_database(settings_dict, name)
    try:
        out = io.StringIO()
        err = io.StringIO()
        call_command("restore", str(dump), into=restored, stdout=out, stderr=err)
        assert f"restored {restored} from {dump}" in out.getvalue()
        assert err.getvalue() == ""  # checksum and keys match the manifest: nothing to warn about

        # Every table, the same rows on both sides.
        original, copy = (
            _row_counts(settings_dict, settings_dict["NAME"]),
            _row_counts(settings_dict, restored),
        )
        assert original == copy
        assert copy["public.people_person"] == 2 and copy["public.gates_post"] == 1
        assert sum(n for t, n in copy.items() if t.startswith("public.gates_scanevent")) == 1
        assert copy["public.policies_policy"] > 1

        # A second restore over the now non-empty copy is refused, and leaves it as it was.
        with pytest.raises(CommandError, match="not empty"):
            call_command("restore", str(dump), into=restored, stdout=io.StringIO())
        with pytest.raises(CommandError, match="runs on"):
            call_command("restore", str(dump), into=settings_dict["NAME"], stdout=io.StringIO())

        env = {
            **os.environ,
            "DATABASE_URL": _database_url(settings_dict, restored),
            "DJANGO_SETTINGS_MODULE": "fangkong.settings",
        }
        args = {"number": number, "community": tree.a.community.pk, "gate": post.place_id}
        done = subprocess.run(
            [sys.executable, "-c", DRILL, json.dumps(args)],
            cwd=Path(settings.BASE_DIR),
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        found = json.loads(done.stdout.strip().splitlines()[-1])
        assert found["database"] == restored
        assert found["person"] == person.pk and found["decrypted"] == number
        assert found["threshold"] == "37.0"  # the community's own version, not the city's 37.3
        assert found["scan"] == {
            "status": "accepted",
            "result": "refer",
            "codes": ["fever"],
            "person": person.pk,
        }
        assert found["scans_added"] == 1
        assert found["other_key_reads"] is False and found["other_key_finds"] is False
        # The drill's scan went to the copy only.
        assert _row_counts(settings_dict, settings_dict["NAME"]) == original
    finally:
        backups.drop_database(settings_dict, restored)
    assert not backups.database_exists(settings_dict, restored)


def test_sqlite_backup_and_restore(tmp_path, settings):
    """The embedded database of `make run`: a consistent copy by SQLite's backup API, restored to a new
    file; a file that holds tables is replaced only when forced."""
    import sqlite3

    from cryptography.fernet import Fernet

    live = tmp_path / "db.sqlite3"
    with sqlite3.connect(live) as conn:
        conn.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT)")
        conn.executemany("INSERT INTO person (name) VALUES (?)", [("张三",), ("李四",)])
    conn.close()
    settings_dict = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(live)}
    name = backups.default_filename(str(live), postgres=False)
    assert name.startswith("fangkong-db-") and name.endswith("Z.sqlite3")
    made = backups.backup(settings_dict, tmp_path / "backups" / name)
    assert made.tables == 1 and made.size == (tmp_path / "backups" / name).stat().st_size

    target = tmp_path / "restored.sqlite3"
    assert backups.restore(settings_dict, made.path, str(target)).tables == 1
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT name FROM person ORDER BY id").fetchall() == [("张三",), ("李四",)]
        conn.execute("DELETE FROM person")
    conn.close()
    with pytest.raises(backups.BackupError, match="not empty"):
        backups.restore(settings_dict, made.path, str(target))
    backups.restore(settings_dict, made.path, str(target), force=True)
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM person").fetchone() == (2,)
    conn.close()
    # The manifest: a damaged copy is refused, other keys are warned about.
    backups.write_manifest(made)
    assert backups.check_manifest(made.path) == []
    settings.FIELD_KEYS, settings.HMAC_KEY = [Fernet.generate_key().decode()], "h" * 40
    warned = backups.check_manifest(made.path)
    assert len(warned) == 2 and "cannot read this dump" in warned[0] and "rotate_keys" in warned[1]
    with open(made.path, "ab") as fh:
        fh.write(b"\0")
    with pytest.raises(backups.BackupError, match="damaged"):
        backups.check_manifest(made.path)
    with pytest.raises(backups.BackupError, match="not an SQLite database"):
        backups.restore(settings_dict, Path(__file__), str(tmp_path / "other.sqlite3"))


def test_prune_keeps_the_newest(tmp_path):
    names = [f"fangkong-fk-2026120{d}T000000Z.dump" for d in range(1, 6)]
    others = ["fangkong-other-20261201T000000Z.dump", "fangkong-fk-old-20261201T000000Z.dump", "notes.txt"]
    for n in [*names, *others]:
        (tmp_path / n).write_bytes(b"x")
        (tmp_path / (n + ".json")).write_bytes(b"{}")
    deleted = backups.prune(tmp_path, "fk", keep=2)
    assert sorted(p.name for p in deleted) == names[:3]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        n + s for n in [*names[3:], *others] for s in ("", ".json")
    )
