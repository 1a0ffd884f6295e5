"""Reports read from a PostgreSQL streaming replica when one is configured (DATABASE_REPLICA_URL);
everything else, and every write, stays on the primary (`default`). docs/replica.md.

Which reads go to the replica is decided by the code that reads, not by the model: a function marked
`@replica_reads` (the figures of every briefing section, Excel exports of lists, the briefing's report
and dashboard) opens a block in which `ReplicaRouter.db_for_read` answers `replica`. A model-based rule
would also send the reads inside a write transaction to the replica, where that transaction's own rows
are not visible yet.

The block reads the primary instead when
- it starts inside a transaction on the primary (its reads may depend on that transaction's writes);
- the replica is unreachable, is not a standby, or lags more than FANGKONG_REPLICA_MAX_LAG_SECONDS
  (checked at most every FANGKONG_REPLICA_CHECK_SECONDS per process; a WARNING on each change of state);
- the user wrote something in the last max-lag + check seconds (they see their own writes);
- a model belongs to the access-control apps (users, scopes, sessions, tokens): a revoked scope or a
  new login takes effect at once;
- a query on the replica fails mid-way (a recovery conflict, the replica stopping): the block runs again
  on the primary, so the user gets an answer, never an error.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

from . import context

log = logging.getLogger("fangkong.replica")

REPLICA = "replica"
PRIMARY = "default"

# Access decisions always read the primary (a revoked scope, a new session must count at once).
PRIMARY_ONLY_APPS = frozenset({"auth", "accounts", "sessions", "authtoken", "axes", "contenttypes"})
# Writes that do not make a user's later report reads stale (logins, sessions, tokens).
NO_PIN_APPS = frozenset({"sessions", "axes", "authtoken"})


def configured() -> bool:
    dbs = settings.DATABASES
    return (
        REPLICA in dbs
        and dbs[REPLICA]["ENGINE"].endswith("postgresql")
        and dbs[PRIMARY]["ENGINE"].endswith("postgresql")
    )


def max_lag() -> float:
    return float(getattr(settings, "FANGKONG_REPLICA_MAX_LAG_SECONDS", 10.0))


def check_seconds() -> float:
    return float(getattr(settings, "FANGKONG_REPLICA_CHECK_SECONDS", 5.0))


# --- health: is the replica usable now? ----------------------------------------------------------------


@dataclass(frozen=True)
class Health:
    usable: bool
    state: str  # "ok", "lagging", "down", "not-standby", "primary-error"
    reason: str
    lag: float | None  # seconds the replica is behind at most (0: caught up)
    checked_at: float  # time.monotonic()


_health: Health | None = None
_health_lock = threading.Lock()


def _probe() -> Health:
    """Where the replica stands against the primary. The primary's WAL position is read first: a
    replica that has replayed up to it is at least as fresh as the primary was then (caught up, however
    long the primary has been idle). Behind it, the replica shows the primary as of its last replayed
    commit at the latest, so `now - pg_last_xact_replay_timestamp()` bounds the lag from above (it is
    not the lag of an idle primary, which is why it is only used once the LSNs say "behind")."""
    now = time.monotonic()
    try:
        with connections[PRIMARY].cursor() as cur:
            # The insert position, not the written one: with synchronous_commit off a commit can be
            # inserted but not yet written, and the replica would look caught up without it.
            cur.execute("SELECT pg_current_wal_insert_lsn()::text")
            primary_lsn = cur.fetchone()[0]
    except DatabaseError as exc:
        return Health(
            False, "primary-error", f"cannot read the primary's WAL position: {_one_line(exc)}", None, now
        )
    try:
        with connections[REPLICA].cursor() as cur:
            cur.execute(
                "SELECT pg_is_in_recovery(), pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()),"
                " extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8",
                [primary_lsn],
            )
            in_recovery, behind_bytes, since_commit = cur.fetchone()
    except DatabaseError as exc:
        # A dead connection would fail again: the next check opens a new one.
        _close_replica()
        return Health(False, "down", f"replica unreachable: {_one_line(exc)}", None, now)
    if not in_recovery:
        return Health(False, "not-standby", "the replica database is not a standby in recovery", None, now)
    if behind_bytes is not None and behind_bytes <= 0:
        return Health(True, "ok", "caught up", 0.0, now)
    lag = math.inf if since_commit is None else max(float(since_commit), 0.0)
    if lag > max_lag():
        return Health(
            False,
            "lagging",
            f"replica {int(behind_bytes or 0)} bytes of WAL behind, its last replayed commit "
            f"{lag:.1f} s old (limit {max_lag():g} s)",
            lag,
            now,
        )
    return Health(True, "ok", f"behind by at most {lag:.1f} s", lag, now)


def _close_replica() -> None:
    with contextlib.suppress(DatabaseError):
        connections[REPLICA].close()


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]


def health(*, force: bool = False) -> Health:
    """The replica's health, probed at most every FANGKONG_REPLICA_CHECK_SECONDS in this process."""
    global _health
    h = _health
    if not force and h is not None and time.monotonic() - h.checked_at < check_seconds():
        return h
    with _health_lock:
        h = _health
        if not force and h is not None and time.monotonic() - h.checked_at < check_seconds():
            return h
        new = _probe()
        _note(h, new)
        _health = new
        return new


def _note(old: Health | None, new: Health) -> None:
    """One WARNING per change of state (not per query, not per check)."""
    if old is not None and old.state == new.state:
        return
    if not new.usable:
        log.warning("replica not used, reports read the primary: %s", new.reason)
    elif old is not None:
        log.warning("replica usable again (%s): reports read the replica", new.reason)


def reset() -> None:
    """Forget the last check (tests; after changing the settings)."""
    global _health
    with _health_lock:
        _health = None


# --- the block: which reads go to the replica ------------------------------------------------------------


@dataclass
class _Block:
    replica: bool  # this block reads the replica (decided when it starts)
    used: bool = False  # a query was sent to the replica


_block: ContextVar[_Block | None] = ContextVar("fangkong_replica_block", default=None)


def _pin_key(user_id: int) -> str:
    return f"replica:pin:{user_id}"


def _pinned() -> bool:
    uid = context.current().user_id
    if uid is None:
        return False
    from django.core.cache import cache

    try:
        return bool(cache.get(_pin_key(uid)))
    except Exception:  # a cache outage must not fail a report: read the primary
        return True


def _start() -> _Block:
    if not configured() or connections[PRIMARY].in_atomic_block or _pinned():
        return _Block(replica=False)
    return _Block(replica=health().usable)


def replica_reads(fn):
    """Run `fn` (a pure read: figures, an export, a report) with its reads on the replica when it is
    usable. A failure on the replica (it stopped, a recovery conflict cancelled the query) runs `fn`
    again on the primary and is logged. Nested calls share the outermost block."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if _block.get() is not None or not configured():
            return fn(*args, **kwargs)
        block = _start()
        token = _block.set(block)
        try:
            return fn(*args, **kwargs)
        except (OperationalError, InterfaceError) as exc:
            if not block.used:
                raise
            _close_replica()  # the check below then opens a new connection: it says why it fails
            if health(force=True).usable:  # the check logs it if the replica went away
                log.warning("a read on the replica failed, answered from the primary: %s", _one_line(exc))
            block.replica = False
            return fn(*args, **kwargs)
        finally:
            _block.reset(token)

    return wrapper


class ReplicaRouter:
    """Installed when DATABASE_REPLICA_URL is set (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model, **hints):
        block = _block.get()
        if (
            block is None
            or not block.replica
            or model._meta.app_label in PRIMARY_ONLY_APPS
            # A transaction opened inside the block (a service called by a report) reads its own rows.
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        block.used = True
        return REPLICA

    def db_for_write(self, model, **hints):
        if model._meta.app_label not in NO_PIN_APPS:
            _pin_after_write()
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both: a replica row may point at a primary row

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


_pinned_request: ContextVar[str] = ContextVar("fangkong_replica_pinned", default="")


def _pin_after_write() -> None:
    """After a user's write their reports read the primary for max lag + one check interval, the longest
    a usable replica can be behind: a briefing just generated is on the next page, not missing. Once per
    request."""
    ctx = context.current()
    if ctx.user_id is None or not configured() or _pinned_request.get() == ctx.request_id:
        return
    from django.core.cache import cache

    try:
        cache.set(_pin_key(ctx.user_id), 1, timeout=math.ceil(max_lag() + check_seconds()))
    except Exception:  # the write itself must not fail for the cache
        log.warning("could not record a write for read-your-writes (cache unavailable)")
        return
    _pinned_request.set(ctx.request_id)
