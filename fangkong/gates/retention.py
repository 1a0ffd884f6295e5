"""Retention of the gates' personal data (core/retention.py; periods are policy records retention.*)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import OperationalError, connection, transaction
from django.db.models import Q

from fangkong.core.retention import Anonymise, Delete, Rule, register

from . import partitions

logger = logging.getLogger(__name__)
LOCK_TIMEOUT = "5s"


@dataclass(frozen=True)
class ScanPurge(Rule):
    """Scans past their period: whole day partitions dropped (no row-by-row DELETE on a table of millions
    of rows a day), then what is left before the cut-off deleted (the DEFAULT partition, SQLite)."""

    def _expired_partitions(self, cutoff) -> list[str]:
        if not partitions.is_partitioned():
            return []
        with connection.cursor() as cur:
            cur.execute(
                "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
                "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
                "WHERE p.relname = %s",
                [partitions.TABLE],
            )
            bounds = cur.fetchall()
            out = []
            for name, bound in bounds:
                if "TO (" not in bound:
                    continue  # the DEFAULT partition: its old rows are deleted below
                upper = bound.split("TO (", 1)[1].strip().rstrip(")").strip()
                cur.execute(
                    f"SELECT {upper}::timestamptz <= %s", [cutoff]
                )  # the bound as PostgreSQL wrote it
                if cur.fetchone()[0]:
                    out.append(name)
        return sorted(out)

    def _count_partition(self, name: str) -> int:
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {connection.ops.quote_name(name)}")
            return cur.fetchone()[0]

    def count(self, cutoff) -> int:
        return self.pending(cutoff).count()

    def _drop(self, name: str) -> None:
        # DROP locks the whole scan table: behind a long report it would queue every gate's inserts, so
        # it waits a few seconds at most; a partition not dropped is emptied by the DELETE below instead.
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            cur.execute(f"DROP TABLE {connection.ops.quote_name(name)}")

    def apply(self, cutoff) -> int:
        n = 0
        for name in self._expired_partitions(cutoff):
            count = self._count_partition(name)
            try:
                self._drop(name)
            except OperationalError:
                logger.warning("retention: %s not dropped (lock timeout); its rows are deleted instead", name)
                continue
            n += count
        return n + self.pending(cutoff).delete()[0]


# Scans (and the person links of scans at other gates) serve tracing back through two incubation periods;
# older ones are deleted. The briefing keeps each day's scan counts in its own figures.
register(
    Delete("retention.scans.days", "gates.ScanVisitor", lambda cutoff: Q(scanned_at__lt=cutoff)),
    ScanPurge("retention.scans.days", "gates.ScanEvent", lambda cutoff: Q(scanned_at__lt=cutoff)),
)

# A returnee's notice copies their name, ID number (encrypted, with its HMAC index and mask), phone, address,
# landlord and employer: emptied after the period; the notice (area, stage, dates) stays for the counts.
register(
    Anonymise(
        "retention.returnee_notices.days",
        "gates.ReturneeNotice",
        lambda cutoff: Q(created_at__lt=cutoff),
        fields={
            "name": "",
            "id_number_enc": "",
            "id_hash": "",
            "id_masked": "",
            "phone_enc": "",
            "phone_masked": "",
            "submitter_name": "",
            "submitter_phone_masked": "",
            "address": "",
            "landlord_name": "",
            "landlord_phone_enc": "",
            "landlord_phone_masked": "",
            "employer": "",
            "person": None,
        },
    )
)
