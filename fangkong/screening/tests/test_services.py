"""Services of mass testing on PostgreSQL: target, regime from policy, sampling (idempotent, bad input),
boxes, laboratory results (all or nothing, idempotent, pooled and single positives), coverage counts."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.people.models import PersonStatus
from fangkong.policies.models import Policy, PolicyDefinition
from fangkong.screening import selectors, services
from fangkong.screening.models import (
    Box,
    Campaign,
    CoverageCount,
    LabImport,
    LabResult,
    RetestItem,
    Sample,
    TargetPerson,
    TransferTask,
    Tube,
)

from .helpers import campaign, item, now_text, people, result_csv, site

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the Chinese catalogue is checked by the page tests)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _cov(c):
    return CoverageCount.objects.get(campaign=c)


def test_target_population_and_regime_from_policy(tree):
    ps = people(tree, 7)
    people(tree, 0)
    obs = ps[0]
    obs.status = PersonStatus.HOME_OBSERVATION
    obs.save()
    c = campaign(tree, state=Campaign.State.DRAFT)
    assert (c.regime, c.pool_size, c.observation_single) == ("pool", 10, True)
    assert "10合1" in c.regime_source
    assert TargetPerson.objects.filter(campaign=c).count() == 7
    assert TargetPerson.objects.get(campaign=c, person=obs).single_tube
    cov = _cov(c)
    assert cov.target == 7 and cov.area_id == tree.a.building.pk
    # Another community's people are not targets.
    assert not TargetPerson.objects.filter(campaign=c, area_path__startswith=tree.b.community.path).exists()
    need = services.capacity_needed(campaign=c, people=7000)
    assert need["sites"] == 3 and need["lanes"] >= 9


def test_policy_change_governs_the_next_campaign_only(tree):
    people(tree, 2)
    first = campaign(tree, state=Campaign.State.DRAFT)
    d = PolicyDefinition.objects.get(key="screening.pool_size")
    Policy.objects.filter(definition=d).update(effective_to=timezone.now() - datetime.timedelta(days=1))
    Policy.objects.create(
        definition=d,
        area_path="",
        version=9,
        value=20,
        effective_from=timezone.now() - datetime.timedelta(days=1),
        source="20合1",
    )
    second = campaign(tree, state=Campaign.State.DRAFT)
    first.refresh_from_db()
    assert first.pool_size == 10 and second.pool_size == 20


def test_sampling_pools_close_when_full_and_retries_are_no_ops(tree):
    ps = people(tree, 12)
    c = campaign(tree)
    s = site(c, tree)
    items = [item(p, "TUBE000001") for p in ps[:10]] + [item(p, "TUBE000002") for p in ps[10:]]
    res = services.sample_batch_record(actor=None, site=s, items=items)
    assert [r.status for r in res] == ["accepted"] * 12
    t1 = Tube.objects.get(barcode="TUBE000001")
    assert t1.count == 10 and t1.state == Tube.State.CLOSED
    t2 = Tube.objects.get(barcode="TUBE000002")
    assert t2.state == Tube.State.OPEN
    # The same batch again (a retried sync): nothing new.
    again = services.sample_batch_record(actor=None, site=s, items=items)
    assert {r.status for r in again} == {"duplicate"}
    assert Sample.objects.count() == 12
    cov = _cov(c)
    assert (cov.sampled, cov.pending_results) == (12, 12)
    services.tube_close(actor=None, tube=t2)
    t2.refresh_from_db()
    assert t2.state == Tube.State.CLOSED


def test_bad_sampling_input_gets_clear_messages_one_by_one(tree):
    ps = people(tree, 4)
    ps[3].status = PersonStatus.HOME_OBSERVATION
    ps[3].save()
    c = campaign(tree)
    s = site(c, tree)
    services.sample_batch_record(actor=None, site=s, items=[item(ps[0], "TUBE000009", close=True)])
    res = services.sample_batch_record(
        actor=None,
        site=s,
        items=[
            item(ps[0], "TUBE000010"),  # sampled twice in one campaign
            item(ps[1], "TUBE000009"),  # a closed tube scanned again
            item(ps[1], "bad"),  # not a barcode
            {"client_id": "nope", "person": ps[1].pk, "tube": "TUBE000011"},
            item(ps[2], "TUBE000012"),  # fine
            {"client_id": str(uuid.uuid4()), "code": "110101199003077777", "tube": "TUBE000013"},
        ],
    )
    assert [r.status for r in res] == ["invalid", "invalid", "invalid", "invalid", "accepted", "invalid"]
    assert "already sampled" in res[0].errors["person"][0]
    assert "already closed" in res[1].errors["tube"][0]
    assert "barcode" in res[2].errors["tube"][0]
    assert "target population" in res[5].errors["person"][0]
    assert Sample.objects.count() == 2


def test_lab_results_all_or_nothing_idempotent_and_positives(tree):
    ps = people(tree, 12)
    c = campaign(tree)
    s = site(c, tree)
    services.sample_batch_record(
        actor=None,
        site=s,
        items=[item(p, "TUBE000001") for p in ps[:10]] + [item(p, "TUBE000002") for p in ps[10:]],
    )
    # A result for a tube never closed, and an unknown barcode: nothing is written.
    bad = result_csv(
        [
            ["TUBE000001", "阴性", now_text(), "丰台检测中心"],
            ["TUBE000002", "阴性", now_text(), "丰台检测中心"],
            ["NOPE000001", "阳性", now_text(), "丰台检测中心"],
        ]
    )
    imp = services.lab_file_import(actor=None, campaign=c, data=bad, filename="r.csv")
    assert not imp.ok and LabResult.objects.count() == 0
    msgs = " ".join(e[2] for e in imp.report["row_errors"])
    assert "never closed" in msgs and "Unknown tube barcode" in msgs
    # Wrong header, GBK: refused as a whole with its message.
    wrong = result_csv([["TUBE000001", "阴性"]], header=("条码号", "结论"))
    imp = services.lab_file_import(actor=None, campaign=c, data=wrong, filename="r.csv")
    assert imp.report["file_error"][0] == "header"
    services.tube_close(actor=None, tube=Tube.objects.get(barcode="TUBE000002"))
    good = result_csv(
        [
            ["TUBE000001", "阳性", now_text(), "丰台检测中心"],
            ["TUBE000002", "阴性", now_text(), "丰台检测中心"],
        ],
        encoding="gbk",
    )
    imp = services.lab_file_import(actor=None, campaign=c, data=good, filename="r.csv")
    assert imp.ok and imp.applied == 2, imp.report
    assert RetestItem.objects.filter(campaign=c).count() == 10
    assert set(RetestItem.objects.values_list("person_id", flat=True)) == {p.pk for p in ps[:10]}
    assert RetestItem.objects.first().community_id == tree.a.community.pk
    ps[0].refresh_from_db()
    assert ps[0].status == PersonStatus.HOME_OBSERVATION
    cov = _cov(c)
    # The pool's members are people to re-sample, not positives (no single tube was positive).
    assert (cov.pending_results, cov.to_retest, cov.positive, cov.negative) == (0, 10, 0, 2)
    # Re-sent: nothing changes.
    imp2 = services.lab_file_import(actor=None, campaign=c, data=good, filename="r.csv")
    assert imp2.ok and imp2.applied == 0 and imp2.unchanged == 2
    assert RetestItem.objects.count() == 10 and LabResult.objects.count() == 2
    assert LabImport.objects.filter(ok=True).count() == 2


def test_single_positive_opens_transfer_and_hand_off(tree, monkeypatch):
    ps = people(tree, 2)
    c = campaign(tree)
    s = site(c, tree)
    calls = []
    monkeypatch.setattr("fangkong.screening.handoff.on_preliminary_positive", lambda **kw: calls.append(kw))
    services.sample_batch_record(actor=None, site=s, items=[item(ps[0], "SOLO000001", close=True)])
    imp = services.results_apply(
        actor=None,
        campaign=c,
        rows=[{"试管条码": "SOLO000001", "检测结果": "positive", "检测时间": now_text(), "检测机构": "lab"}],
    )
    assert imp.ok and imp.report["preliminary"] == 1, imp.report
    ps[0].refresh_from_db()
    assert ps[0].status == PersonStatus.PRELIMINARY_POSITIVE
    task = TransferTask.objects.get(person=ps[0])
    assert datetime.timedelta(hours=1) < task.deadline - timezone.now() < datetime.timedelta(hours=3)
    assert calls and calls[0]["person"] == ps[0] and calls[0]["ref"].startswith("screening.Tube:")
    assert TargetPerson.objects.get(campaign=c, person=ps[0]).result == "preliminary_positive"


def test_boxes_seal_hand_over_receive(tree):
    ps = people(tree, 2)
    c = campaign(tree)
    s = site(c, tree)
    services.sample_batch_record(
        actor=None, site=s, items=[item(ps[0], "TUBE000001"), item(ps[1], "TUBE000003", close=True)]
    )
    with pytest.raises(ValidationError) as exc:
        services.box_seal(actor=None, site=s, code="BOX1", barcodes=["TUBE000001", "TUBE000003"])
    assert "still open" in str(exc.value)
    assert not Box.objects.exists()
    box = services.box_seal(actor=None, site=s, code="BOX1", barcodes=["TUBE000003"], lab="丰台检测中心")
    with pytest.raises(ValidationError):
        services.box_advance(actor=None, box=box, state="received", person_name="李")
    services.box_advance(actor=None, box=box, state="handed_over", person_name="王师傅")
    services.box_advance(actor=None, box=box, state="received", person_name="检测中心张")
    assert list(box.events.values_list("state", "person_name")) == [
        ("sealed", ""),
        ("handed_over", "王师傅"),
        ("received", "检测中心张"),
    ]
    assert Tube.objects.get(barcode="TUBE000003").state == Tube.State.RECEIVED


def test_untested_reasons_and_negative_since(tree):
    ps = people(tree, 4)
    c = campaign(tree)
    s = site(c, tree)
    services.exemption_record(actor=None, campaign=c, person=ps[1], reason="away")
    services.exemption_record(actor=None, campaign=c, person=ps[2], reason="bed_bound")
    assert c.home_visits.filter(person=ps[2]).exists()
    with pytest.raises(ValidationError):
        services.exemption_record(actor=None, campaign=c, person=ps[3], reason="tested_elsewhere")
    cov = _cov(c)
    assert cov.exempt == 1
    services.sample_batch_record(actor=None, site=s, items=[item(ps[0], "TUBE000001", close=True)])
    services.results_apply(
        actor=None,
        campaign=c,
        rows=[{"试管条码": "TUBE000001", "检测结果": "阴性", "检测时间": now_text(), "检测机构": "lab"}],
    )
    since = timezone.now() - datetime.timedelta(days=1)
    assert selectors.negative_since([p.pk for p in ps], since) == {ps[0].pk}
