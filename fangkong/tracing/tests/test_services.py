import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.core.models import ChangeLog
from fangkong.observation.models import ObservationOrder
from fangkong.people.tests.factories import make_person
from fangkong.tracing import services
from fangkong.tracing.models import Case, CaseLink, Contact, ScreeningTask, TimelineEntry

pytestmark = pytest.mark.django_db


def _open(investigator, person, **kw):
    return services.case_open(
        actor=investigator, person=person, sample_date=timezone.localdate(), lab="丰台区疾控", **kw
    )


def test_case_open_prefills_timeline_and_sets_deadline(investigator, outbreak):
    case = _open(investigator, outbreak["case_person"])
    scans = TimelineEntry.objects.filter(case=case, source="scan")
    assert scans.count() == 2  # both scans fall in the 4-day look-back of the ninth edition
    assert TimelineEntry.objects.filter(case=case, source="registry").count() == 1
    hours = (case.transfer_deadline - case.created_at).total_seconds() / 3600
    assert 3.9 < hours < 4.1
    case.person.refresh_from_db()
    assert case.person.status == "preliminary_positive"
    assert ChangeLog.objects.filter(object_id=str(case.pk), action="create").exists()
    # Running the prefill again adds nothing.
    assert services.timeline_prefill(actor=investigator, case=case) == 0


def test_case_open_is_idempotent_on_source_ref(investigator, outbreak):
    a = _open(investigator, outbreak["case_person"], source="screening", source_ref="tube-42")
    b = _open(investigator, outbreak["case_person"], source="screening", source_ref="tube-42")
    assert a.pk == b.pk
    assert Case.objects.count() == 1


def test_case_open_unknown_person_is_a_clear_error(investigator):
    with pytest.raises(ValidationError) as exc:
        services.case_open(actor=investigator, person=None, sample_date=timezone.localdate())
    assert "未知居民" in str(exc.value)


def test_candidates_with_reasons(investigator, outbreak):
    case = _open(investigator, outbreak["case_person"])
    assert services.candidates_find(actor=investigator, case=case) == 3
    by_person = {c.person_id: c for c in Contact.objects.filter(case=case)}
    assert set(by_person) == {outbreak["neighbour"].pk, outbreak["near1"].pk, outbreak["near2"].pk}
    assert by_person[outbreak["neighbour"].pk].kind == "household"
    near1 = by_person[outbreak["near1"].pk]
    assert near1.kind == "copresence" and near1.overlap_minutes == 25
    assert near1.evidence[0]["place"] == "镇国寺东门"
    assert "镇国寺东门" in near1.reasons()[0] and "重叠 25 分钟" in near1.reasons()[0]
    assert by_person[outbreak["near2"].pk].overlap_minutes == 18
    # The contact in community B hangs on B (their community follows them), the case path is copied.
    near2 = by_person[outbreak["near2"].pk]
    assert near2.area_path == outbreak["near2"].area_path and near2.case_area_path == case.area_path
    # A second run lists no one twice.
    assert services.candidates_find(actor=investigator, case=case) == 0


def test_bulk_confirm_orders_with_policy_ends_no_duplicates(investigator, outbreak):
    case = _open(investigator, outbreak["case_person"])
    services.candidates_find(actor=investigator, case=case)
    contacts = list(Contact.objects.filter(case=case))
    out = services.contacts_confirm(actor=investigator, contacts=contacts)
    assert len(out["orders"]) == 3
    today = timezone.localdate()
    for order in ObservationOrder.objects.filter(source__startswith="tracing.Contact:"):
        assert order.order_type == "centralized" and order.reason == "close_contact"
        assert order.planned_end == today + datetime.timedelta(days=5)  # ninth edition: 5 days
        assert order.area_path.startswith(order.person.area_path)
    # The bulk path writes what order_create writes: history, status with its dated record, change log.
    from fangkong.observation.models import OrderEvent
    from fangkong.people.models import StatusChange

    for order in ObservationOrder.objects.filter(source__startswith="tracing.Contact:"):
        kinds = sorted(OrderEvent.objects.filter(order=order).values_list("kind", flat=True))
        assert kinds == ["created", "status"]
        order.person.refresh_from_db()
        assert order.person.status == "centralized_observation"
        assert StatusChange.objects.filter(
            person=order.person, source=f"observation.ObservationOrder:{order.pk}"
        ).exists()
        assert ChangeLog.objects.filter(object_id=str(order.pk), action="create").exists()
    again = services.contacts_confirm(actor=investigator, contacts=contacts)
    assert again["orders"] == [] and len(again["skipped"]) == 3
    assert ObservationOrder.objects.count() == 3


def test_secondary_not_tracked_under_ninth_edition(investigator, outbreak):
    case = _open(investigator, outbreak["case_person"])
    services.candidates_find(actor=investigator, case=case)
    with pytest.raises(ValidationError):
        services.contacts_confirm(
            actor=investigator, contacts=list(Contact.objects.filter(case=case)), degree="secondary"
        )
    assert ObservationOrder.objects.count() == 0


def test_named_contact_cannot_be_the_case(investigator, outbreak):
    case = _open(investigator, outbreak["case_person"])
    with pytest.raises(ValidationError) as exc:
        services.contact_name(actor=investigator, case=case, person=outbreak["case_person"], note="自己")
    assert "不能作为自己的密接" in str(exc.value)
    c = services.contact_name(actor=investigator, case=case, person=outbreak["far"], note="一起吃饭")
    assert c.kind == "named" and "一起吃饭" in c.reasons()[0]


def test_case_link_refuses_a_loop(investigator, tree):
    a = _open(investigator, make_person(tree.a.household))
    b = _open(investigator, make_person(tree.a.household))
    c = _open(investigator, make_person(tree.a.household))
    services.case_link(actor=investigator, source=a, case=b, kind="household", evidence="同住")
    services.case_link(actor=investigator, source=b, case=c, kind="copresence", evidence="同一超市")
    with pytest.raises(ValidationError) as exc:
        services.case_link(actor=investigator, source=c, case=a, kind="named", evidence="x")
    assert "循环" in str(exc.value)
    with pytest.raises(ValidationError):
        services.case_link(actor=investigator, source=b, case=a, kind="named", evidence="x")
    assert CaseLink.objects.count() == 2


def test_screening_run_is_idempotent_and_split_by_community(investigator, outbreak):
    ra = services.risk_area_create(
        actor=investigator,
        level="high",
        place=outbreak["gate"],
        valid_from=outbreak["t"] - datetime.timedelta(hours=1),
        valid_to=outbreak["t"] + datetime.timedelta(hours=2),
        source="区指挥部通告",
    )
    first = services.screening_run(actor=investigator, risk_area=ra)
    assert first == {"found": 4, "new": 4}
    again = services.screening_run(actor=investigator, risk_area=ra)
    assert again["new"] == 0 and ScreeningTask.objects.count() == 4
    task = ScreeningTask.objects.get(person=outbreak["near2"])
    assert task.area_path == outbreak["near2"].area_path and task.action == "observation"


def test_copresence_keeps_each_pairs_nearest_scans_in_the_database(outbreak):
    """per_pair ranks in SQL (issue 23: a busy place pairs a case with thousands of scans): the same
    people as the full join, and for each of them the scans nearest in time."""
    import uuid

    from fangkong.gates.models import ScanEvent
    from fangkong.tracing import selectors

    near1 = outbreak["near1"]
    base = ScanEvent.objects.filter(person=near1).first()
    for minutes in (3, 6, 9):
        ScanEvent.objects.create(
            client_id=uuid.uuid4(),
            place_id=base.place_id,
            area_id=base.area_id,
            area_path=base.area_path,
            person_id=near1.pk,
            verdict=base.verdict,
            scanned_at=base.scanned_at + datetime.timedelta(minutes=minutes),
            received_at=base.received_at,
        )
    day = datetime.timedelta(days=1)
    args = dict(
        person_ids=[outbreak["case_person"].pk],
        start=base.scanned_at - day,
        end=base.scanned_at + day,
        window=30,
        min_overlap=0,
    )
    full = selectors.copresence_pairs(**args)
    top = selectors.copresence_pairs(**args, per_pair=2)
    gaps = sorted(abs(r[4] - r[3]) for r in full if r[1] == near1.pk)
    assert len(gaps) == 4
    assert sorted(abs(r[4] - r[3]) for r in top if r[1] == near1.pk) == gaps[:2]
    assert {r[1] for r in top} == {r[1] for r in full}
