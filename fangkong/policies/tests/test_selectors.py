import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.core.models import ChangeLog
from fangkong.policies import services
from fangkong.policies.models import Policy
from fangkong.policies.selectors import PolicyMissing, policy_in_force, policy_value

SH = datetime.timezone(datetime.timedelta(hours=8))


def at(s):
    return datetime.datetime.fromisoformat(s).replace(tzinfo=SH)


def test_seeded_defaults_follow_their_history(db):
    # 2020: 14 days for close contacts; the ninth edition (2022-06-28) made it 5.
    assert policy_value("observation.close_contact.days", at=at("2020-07-01")) == 14
    assert policy_value("observation.close_contact.days", at=at("2022-07-01")) == 5
    assert policy_value("gate.temperature.threshold") == __import__("decimal").Decimal("37.3")
    assert policy_value("workplace.dormitory.max_per_room") == 6
    assert policy_in_force("observation.close_contact.days", at=at("2022-07-01")).source.startswith("第九版")


def test_most_specific_area_wins_and_inherits_down(tree):
    now = timezone.now()
    services.policy_add(
        actor=None,
        key="observation.returnee.days",
        value=21,
        effective_from=now - datetime.timedelta(hours=1),
        area=tree.street1,
        source="街道加严",
    )
    assert (
        policy_value("observation.returnee.days", area=tree.a.household) == 21
    )  # inherited by the household
    assert policy_value("observation.returnee.days", area=tree.c.household) == 14  # other street: global
    assert policy_value("observation.returnee.days") == 14
    services.policy_add(
        actor=None,
        key="observation.returnee.days",
        value=10,
        effective_from=now - datetime.timedelta(minutes=5),
        area=tree.a.community,
        source="社区试点",
    )
    assert policy_value("observation.returnee.days", area=tree.a.household) == 10
    assert policy_value("observation.returnee.days", area=tree.b.household) == 21


def test_new_version_closes_the_previous_and_dates_are_respected(tree):
    start = timezone.now() + datetime.timedelta(days=2)
    new = services.policy_add(
        actor=None, key="gate.temperature.threshold", value="37.0", effective_from=start, source="测试"
    )
    prev = Policy.objects.get(
        definition__key="gate.temperature.threshold", version=new.version - 1, area_path=""
    )
    assert prev.effective_to == start
    assert str(policy_value("gate.temperature.threshold")) == "37.3"  # not yet in force
    assert str(policy_value("gate.temperature.threshold", at=start + datetime.timedelta(seconds=1))) == "37.0"
    assert ChangeLog.objects.filter(object_id=str(prev.pk), params__version=new.version).exists()


def test_values_are_typed_and_validated(db):
    with pytest.raises(ValidationError):
        services.policy_add(
            actor=None,
            key="observation.returnee.days",
            value="two weeks",
            effective_from=timezone.now(),
            source="x",
        )
    p = services.policy_add(
        actor=None, key="observation.test_days", value="5，7", effective_from=timezone.now(), source="x"
    )
    assert p.value == ["5", "7"]


def test_missing_policy_is_an_error_not_a_default(db):
    with pytest.raises(PolicyMissing):
        policy_value("screening.arrival.tests", at=at("2020-03-01"))  # 三天三检 came in 2022
    with pytest.raises(PolicyMissing):
        policy_value("no.such.key")
