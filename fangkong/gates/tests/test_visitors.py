"""Issue 18: the person behind an outsider's scan is kept apart (gates.ScanVisitor, scoped by the
person's own area), on every write path, exactly once; scans stored without it are re-linked from
what the gate kept."""

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from fangkong.gates import services
from fangkong.gates.models import FollowUp, ScanEvent, ScanVisitor
from fangkong.gates.tests.factories import make_gate, resident

pytestmark = pytest.mark.django_db

UNKNOWN = "110101199001011237"


def _items(gate, codes, at):
    return [{"client_id": uuid.uuid4(), "place": gate, "code": c, "scanned_at": at} for c in codes]


@pytest.mark.parametrize("size", [1, 3, 25])
def test_outsider_link_is_written_once_with_the_scan_on_every_path(tree, make_user, size):
    gate = make_gate(tree.a.community)
    mine, mine_number = resident(tree.a.household)
    visitor, number = resident(tree.b.household, phone="13700000028")
    volunteer = make_user("gate_volunteer", tree.a.community)
    at = timezone.now() - datetime.timedelta(minutes=30)
    codes = ([number, "13700000028", mine_number] + [UNKNOWN] * size)[:size]
    items = _items(gate, codes, at)
    results = services.scan_batch_record(actor=volunteer, items=items)
    assert {r.status for r in results} == {"accepted"}
    outsiders = [r for r, c in zip(results, codes, strict=True) if c in (number, "13700000028")]
    links = ScanVisitor.objects.order_by("scan_id")
    assert [(v.scan_id, v.person_id, v.area_path) for v in links] == [
        (r.scan_id, visitor.pk, visitor.area_path) for r in outsiders
    ]
    for link in links:
        scan = ScanEvent.objects.get(pk=link.scan_id)
        assert scan.person_id is None and scan.reasons[0] == "unknown_person"
        assert (link.place_id, link.scanned_at) == (gate.pk, scan.scanned_at) and link.source == "gate"
    # A retry stores nothing twice, the link included (on PostgreSQL a COPY-sized retry goes through
    # the staging table).
    again = services.scan_batch_record(actor=volunteer, items=items)
    assert {r.status for r in again} == {"duplicate"}
    assert ScanVisitor.objects.count() == len(outsiders) and ScanEvent.objects.count() == size


def test_copy_retry_with_new_rows_links_only_the_new_ones(tree, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    gate = make_gate(tree.a.community)
    visitor, number = resident(tree.b.household)
    other, other_number = resident(tree.b.household)
    volunteer = make_user("gate_volunteer", tree.a.community)
    at = timezone.now() - datetime.timedelta(minutes=10)
    first = _items(gate, [number] + [UNKNOWN] * 24, at)
    services.scan_batch_record(actor=volunteer, items=first)
    # Half stored already: the COPY meets a duplicate and goes through the staging table.
    mixed = first[:10] + _items(gate, [other_number] + [UNKNOWN] * 14, at)
    out = services.scan_batch_record(actor=volunteer, items=mixed)
    assert [r.status for r in out].count("accepted") == 15
    assert sorted(ScanVisitor.objects.values_list("person_id", flat=True)) == sorted([visitor.pk, other.pk])


def test_single_scan_of_an_outsider_is_one_statement(tree, make_user):
    """The link rides in the insert (a data-modifying CTE): no extra round trip for a single scan."""
    if connection.vendor != "postgresql":
        pytest.skip("the prepared hot path is PostgreSQL's")
    from unittest import mock

    from fangkong.core import sql

    gate = make_gate(tree.a.community)
    visitor, number = resident(tree.b.household)
    volunteer = make_user("gate_volunteer", tree.a.community)
    services.scan_record(actor=volunteer, place=gate, code=UNKNOWN)  # warm the rules cache
    with mock.patch.object(sql, "fetch", wraps=sql.fetch) as fetch:
        scan, res = services.scan_record(actor=volunteer, place=gate, code=number)
    assert res.status == "accepted" and scan.person_id is None
    assert fetch.call_count == 1 and "INSERT INTO gates_scanvisitor" in fetch.call_args[0][0]
    assert ScanVisitor.objects.get().person == visitor


def test_relink_recovers_scans_the_gate_kept_a_trace_of(tree, make_user):
    """Scans stored between the boundary fix and the link: a fever or a returnee refusal left a
    follow-up naming the resident (re-linked); a plain ID scan kept only its mask (left, counted)."""
    from fangkong.people.models import Person

    gate = make_gate(tree.a.community)
    feverish, fever_number = resident(tree.b.household)
    returnee, returnee_number = resident(tree.b.household, return_status=Person.Return.NOT_RETURNED)
    plain, plain_number = resident(tree.b.household)
    volunteer = make_user("gate_volunteer", tree.a.community)
    at = timezone.now() - datetime.timedelta(hours=2)
    items = _items(gate, [fever_number, returnee_number, plain_number, UNKNOWN], at)
    items[0]["temperature"] = "38.2"
    res = services.scan_batch_record(actor=volunteer, items=items)
    # As they were stored before this change: no link.
    ScanVisitor.objects.all().delete()
    assert FollowUp.objects.filter(scan_id=res[0].scan_id, person=feverish).exists()
    assert FollowUp.objects.filter(scan_id=res[1].scan_id, person=returnee).exists()

    out = services.scan_relink(actor=None, dry_run=True)
    assert out["linked"] == 2 and not ScanVisitor.objects.exists()
    out = services.scan_relink(actor=None)
    assert (out["linked"], out["by_followup"], out["left"]) == (2, 2, 2)
    assert out["left_by_entry"] == {"id": 2}
    assert dict(ScanVisitor.objects.values_list("scan_id", "person_id")) == {
        res[0].scan_id: feverish.pk,
        res[1].scan_id: returnee.pk,
    }
    assert set(ScanVisitor.objects.values_list("area_path", "source")) == {(feverish.area_path, "relink")}
    assert services.scan_relink(actor=None)["linked"] == 0  # idempotent


def test_relink_through_a_notice_hmac_and_the_command(tree, make_user, capsys):
    """A follow-up whose resident is gone but whose returnee notice kept the ID's HMAC links to the one
    resident with that HMAC; the command says what it linked and what it left."""
    from fangkong.core import crypto
    from fangkong.gates.tests.factories import make_notice

    gate = make_gate(tree.a.community)
    visitor, number = resident(tree.b.household)
    volunteer = make_user("gate_volunteer", tree.a.community)
    scan, _res = services.scan_record(actor=volunteer, place=gate, code=number)
    ScanVisitor.objects.all().delete()
    notice = make_notice(tree.b.household)
    notice.id_hash = crypto.blind_index(number, kind="id")
    notice.save(update_fields=["id_hash"])
    FollowUp.objects.create(
        area=tree.b.household, scan_id=scan.pk, reason="returnee_no_notice", notice=notice, place=gate
    )
    call_command("scan_relink", "--days", "3")
    printed = capsys.readouterr().out
    assert "linked 1 scan(s): 0 from a follow-up naming the resident, 1 from the HMAC" in printed
    assert "left unlinked: 0 scan(s)" in printed
    assert ScanVisitor.objects.get().person == visitor


def test_check_page_answers_as_for_an_unknown_code_and_keeps_the_visitor(client, tree, make_user):
    gate = make_gate(tree.a.community)
    visitor, number = resident(tree.b.household, name="宛平来客", status="close_contact")
    client.force_login(make_user("gate_volunteer", tree.a.community))
    html = client.post(f"/gates/check/?place={gate.pk}", {"code": number, "direction": "in"}).content.decode()
    unknown = client.post(f"/gates/check/?place={gate.pk}", {"code": UNKNOWN, "direction": "in"})
    assert "宛平来客" not in html and "宛平" not in html
    # The verdict block reads exactly as for a code registered nowhere.

    def block(h):
        i = h.index('id="verdict"')
        return h[i : h.index("</ul>", i)]

    assert "verdict-reasons" in block(html) and block(html) == block(unknown.content.decode())
    link = ScanVisitor.objects.get()
    assert link.person == visitor and link.area_path == visitor.area_path
    assert ScanEvent.objects.get(pk=link.scan_id).person_id is None
