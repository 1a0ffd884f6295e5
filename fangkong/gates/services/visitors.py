"""Visitors: the person behind a scan at a gate outside their own community (issue 18).

The gate stores such a scan as it may know it (no person, reads `unknown_person`); the scan service
writes the person to ScanVisitor, scoped by the person's own area, in the same statement. Scans stored
between the boundary fix (issue 9.3) and this link have neither: `scan_relink` recovers the ones the gate
kept a trace of."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count, Min
from django.utils.translation import gettext_noop

from fangkong.core.audit import record_bulk
from fangkong.core.models import ChangeLog

from ..models import FollowUp, ScanEvent, ScanVisitor


@transaction.atomic
def scan_relink(*, actor=None, since: datetime.datetime | None = None, dry_run: bool = False) -> dict:
    """Link scans stored without a person to the visitor the gate knew, where it kept a trace of them.

    What the gate kept, per scan without a person: a follow-up (a returnee refused without notice, or a
    fever) written for the scanned resident in their own community, with the scan's id; and, when that
    follow-up became a returnee notice, the notice's HMAC of the ID number. The scan row itself kept only
    the masked entry (`110106********123X`, `137****0009`) and the entry kind, never the HMAC: a mask
    fits many people, so those scans are counted, not guessed. Idempotent: a scan already linked is left
    as is. Returns {"linked", "by_followup", "by_notice_hmac", "left", "left_by_entry"}."""
    from fangkong.people.models import Person

    scans = ScanEvent.objects.filter(person__isnull=True)
    if since is not None:
        scans = scans.filter(scanned_at__gte=since)
    linked_ids = ScanVisitor.objects.values("scan_id")
    if since is not None:
        linked_ids = linked_ids.filter(scanned_at__gte=since)
    followups = (
        FollowUp.objects.filter(scan_id__isnull=False)
        .exclude(person__isnull=True, notice__isnull=True)
        .values_list("scan_id", "person_id", "notice__id_hash", "notice__person_id")
        .order_by("pk")
    )
    trace: dict[int, tuple[int | None, str]] = {}
    for scan_id, person_id, id_hash, notice_person in followups:
        trace.setdefault(scan_id, (person_id or notice_person, id_hash or ""))
    wanted = list(
        scans.filter(pk__in=list(trace))
        .exclude(pk__in=linked_ids)
        .values_list("pk", "scanned_at", "place_id")
    )
    by_hash = {}
    hashes = {trace[pk][1] for pk, _at, _pl in wanted if trace[pk][0] is None and trace[pk][1]}
    if hashes:
        # A document number names one resident; a hash shared by two records names nobody.
        for h, pk, n in (
            Person.objects.filter(id_hash__in=hashes)
            .values("id_hash")
            .annotate(first=Min("pk"), n=Count("pk"))
            .values_list("id_hash", "first", "n")
        ):
            if n == 1:
                by_hash[h] = pk
    person_of = {}
    how = {"by_followup": 0, "by_notice_hmac": 0}
    for pk, _at, _place in wanted:
        person_id, h = trace[pk]
        if person_id is not None:
            person_of[pk], key = person_id, "by_followup"
        elif h in by_hash:
            person_of[pk], key = by_hash[h], "by_notice_hmac"
        else:
            continue
        how[key] += 1
    people = {
        p[0]: p
        for p in Person.objects.filter(pk__in=set(person_of.values())).values_list(
            "pk", "area_id", "area_path"
        )
    }
    links = [
        ScanVisitor(
            scan_id=pk,
            scanned_at=at,
            place_id=place_id,
            person_id=person_of[pk],
            area_id=people[person_of[pk]][1],
            area_path=people[person_of[pk]][2],
            source=ScanVisitor.Source.RELINK,
        )
        for pk, at, place_id in wanted
        if pk in person_of and person_of[pk] in people
    ]
    left = scans.exclude(pk__in=linked_ids).exclude(pk__in=[link.scan_id for link in links])
    left_by_entry = dict(left.values_list("entry").annotate(n=Count("pk")).values_list("entry", "n"))
    out = {"linked": len(links), **how, "left": sum(left_by_entry.values()), "left_by_entry": left_by_entry}
    if dry_run or not links:
        return out
    created = ScanVisitor.objects.bulk_create(links, batch_size=2000)
    record_bulk(
        created, ChangeLog.Action.CREATE, actor=actor, message=gettext_noop("scan re-linked to its visitor")
    )
    return out
