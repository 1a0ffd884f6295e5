"""The workplaces services: registry, dormitories and the rule checks, plans, the on-site hook."""

import decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.core.models import ChangeLog
from fangkong.policies import services as policy_services
from fangkong.workplaces import rules as R
from fangkong.workplaces import services
from fangkong.workplaces.models import Dormitory, Plan, Room, Violation, Workplace

pytestmark = pytest.mark.django_db


def _open(**kw):
    return Violation.objects.filter(resolved_at__isnull=True, **kw)


def test_workplace_create_puts_a_place_on_the_tree_and_logs(wp):
    f = wp.factory
    assert f.place.kind == "workplace" and f.place.area_id == wp.tree.a.community.pk
    assert f.area_path == wp.tree.a.community.path
    assert ChangeLog.objects.filter(
        object_id=str(f.pk), action="create", content_type__model="workplace"
    ).exists()


def test_workplace_outside_the_street_is_refused(wp):
    with pytest.raises(ValidationError) as exc:
        services.workplace_create(actor=wp.other_street, area=wp.tree.a.community, name="x", type="factory")
    assert "辖区" in str(exc.value)
    assert not Workplace.objects.filter(name="x").exists()


def test_tenant_must_sit_in_an_office_building(wp):
    with pytest.raises(ValidationError):
        services.workplace_create(
            actor=wp.street, area=wp.tree.a.community, name="t", type="tenant_company", parent=wp.other
        )
    building = services.workplace_create(
        actor=wp.street, area=wp.tree.a.community, name="科技大厦", type="office_building"
    )
    tenant = services.workplace_create(
        actor=wp.street, area=wp.tree.a.community, name="某公司", type="tenant_company", parent=building
    )
    assert tenant.parent == building and list(building.tenants.all()) == [tenant]


def test_lists_only_for_small_businesses(wp):
    with pytest.raises(ValidationError):
        services.workplace_update(actor=wp.street, workplace=wp.factory, list_status="negative")
    shop = services.workplace_create(
        actor=wp.street, area=wp.tree.a.community, name="小饭馆", type="restaurant"
    )
    services.workplace_update(actor=wp.street, workplace=shop, list_status="negative")
    shop.refresh_from_db()
    assert shop.list_status == "negative"


def test_room_of_eight_in_20_square_metres_breaks_both_rules_with_version_and_source(wp, dorm):
    room = services.room_create(
        actor=wp.street, dormitory=dorm.above, number="101", floor_area=20, beds=8, occupants=8
    )
    found = {v.rule: v for v in _open(room=room).select_related("policy")}
    assert set(found) == {R.DORM_MIN_AREA, R.DORM_MAX_ROOM}
    area = found[R.DORM_MIN_AREA]
    assert area.value == decimal.Decimal("2.50") and area.limit == 4
    assert area.policy.definition.key == R.DORM_MIN_AREA and area.policy.version == 1
    assert "4平方米" in area.policy.source
    assert found[R.DORM_MAX_ROOM].value == 8 and found[R.DORM_MAX_ROOM].limit == 6
    # Fixing the room resolves them; checking again changes nothing.
    services.room_update(actor=wp.street, room=room, occupants=4)
    assert not _open(room=room).exists()
    assert Violation.objects.filter(room=room, resolved_at__isnull=False).count() == 2
    assert services.rules_check().moved == 0


def test_underground_rules_and_bunks(wp, dorm):
    room = services.room_create(
        actor=wp.street, dormitory=dorm.below, number="B1", floor_area=12, beds=4, occupants=3, bunks=True
    )
    assert set(_open(room=room).values_list("rule", flat=True)) == {R.UG_MIN_AREA, R.UG_MAX_ROOM, R.UG_BUNKS}
    ok = services.room_create(
        actor=wp.street, dormitory=dorm.below, number="B2", floor_area=10, beds=2, occupants=2
    )
    assert not _open(room=ok).exists()
    # The same room above ground is fine.
    fine = services.room_create(
        actor=wp.street, dormitory=dorm.above, number="201", floor_area=12, beds=4, occupants=3, bunks=True
    )
    assert not _open(room=fine).exists()


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"floor_area": -5, "beds": 2, "occupants": 1}, "floor_area", "面积不能为负数"),
        ({"floor_area": 20, "beds": 6, "occupants": 8}, "occupants", "入住8人，但只有6张床"),
        ({"floor_area": "abc", "beds": 2, "occupants": 1}, "floor_area", "平方米"),
        ({"floor_area": 20, "beds": -1, "occupants": 0}, "beds", "不能为负数"),
    ],
)
def test_bad_room_numbers_are_clear_and_write_nothing(wp, dorm, fields, field, text):
    with pytest.raises(ValidationError) as exc:
        services.room_create(actor=wp.street, dormitory=dorm.above, number="9", **fields)
    assert text in " ".join(exc.value.message_dict[field])
    assert not Room.objects.exists()
    assert not ChangeLog.objects.filter(content_type__model="room").exists()


def test_duplicate_room_number_and_dormitory_name(wp, dorm):
    services.room_create(actor=wp.street, dormitory=dorm.above, number="1", floor_area=10, beds=2)
    with pytest.raises(ValidationError):
        services.room_create(actor=wp.street, dormitory=dorm.above, number="1", floor_area=10, beds=2)
    with pytest.raises(ValidationError):
        services.dormitory_create(actor=wp.street, workplace=wp.factory, name="1号宿舍")
    assert Room.objects.count() == 1 and Dormitory.objects.count() == 2


def test_rooms_of_another_street_answer_like_missing(wp, dorm):
    with pytest.raises(ValidationError) as exc:
        services.room_create(actor=wp.other_street, dormitory=dorm.above, number="1", floor_area=10, beds=2)
    with pytest.raises(ValidationError) as missing:
        services.room_create(actor=wp.other_street, dormitory=10**9, number="1", floor_area=10, beds=2)
    assert exc.value.messages == missing.value.messages


def test_policy_change_previews_then_rechecks_every_workplace(wp, dorm, make_user):
    admin = make_user("district_admin", wp.tree.district)
    admin.is_superuser = True
    admin.save()
    crowded = services.room_create(
        actor=wp.street, dormitory=dorm.above, number="101", floor_area=20, beds=8, occupants=5
    )  # 4 m² per person: fine at 4, breaks at 5
    assert not _open(room=crowded).exists()
    packed = services.room_create(
        actor=wp.street, dormitory=dorm.above, number="102", floor_area=20, beds=6, occupants=6
    )  # 3.33 m²: breaks 4 and 5 alike
    before = _open(room=packed, rule=R.DORM_MIN_AREA).get()
    assert before.limit == 4
    preview = policy_services.policy_change_preview(actor=admin, key=R.DORM_MIN_AREA, value="5")
    ((gov, p),) = [(g, p) for g, p in preview.governed if g.name == "workplaces"]
    assert p.new == 1 and p.resolved == 0 and p.restamped == 1 and p.governed == 2
    assert {(c["room_id"], c["kind"]) for c in p.changes} == {(crowded.pk, "new"), (packed.pk, "restamped")}
    assert not _open(room=crowded).exists()  # a preview writes nothing
    result = policy_services.policy_change(
        actor=admin, key=R.DORM_MIN_AREA, value="5", effective_from=timezone.now(), source="测试：人均5平方米"
    )
    v = _open(room=crowded).get()
    assert v.policy == result.policy and v.limit == 5 and v.policy.source == "测试：人均5平方米"
    assert result.moved == 2
    after = _open(room=packed, rule=R.DORM_MIN_AREA).get()  # the same violation, judged by the new version
    assert after.pk == before.pk and after.limit == 5 and after.policy == result.policy
    assert ChangeLog.objects.filter(
        object_id=str(result.policy.pk), message__startswith="re-checked"
    ).exists()
    # Back to 3: resolved, with the reason.
    policy_services.policy_change(
        actor=admin, key=R.DORM_MIN_AREA, value="3", effective_from=timezone.now(), source="测试：人均3平方米"
    )
    v.refresh_from_db()
    assert v.resolved_at is not None and v.resolved_reason


def test_set_based_pass_equals_pure_python_and_sql(wp, dorm):
    import random

    rnd = random.Random(7)
    for i in range(60):
        beds = rnd.randint(1, 10)
        services.room_create(
            actor=None,
            dormitory=rnd.choice([dorm.above, dorm.below]),
            number=str(i),
            floor_area=rnd.randint(4, 40),
            beds=beds,
            occupants=rnd.randint(0, beds),
            bunks=rnd.random() < 0.3,
            check=False,
        )
    limits = R.limits_by_area()
    set_based = set(services.evaluate(None, limits=limits))
    pure = set()
    for r in Room.objects.select_related("dormitory"):
        lim = R.limits_for_path(limits, r.area_path)
        for f in R.evaluate_room(
            underground=r.dormitory.underground,
            floor_area=r.floor_area,
            occupants=r.occupants,
            bunks=r.bunks,
            limits=lim,
        ):
            pure.add((r.pk, f.rule))
    assert set_based == pure and len(pure) > 5
    from bench.workplaces import one_statement

    assert one_statement() == pure


def test_area_override_wins_below_it(wp, dorm, make_user):
    admin = make_user("district_admin", wp.tree.district)
    room = services.room_create(
        actor=wp.street, dormitory=dorm.above, number="1", floor_area=10, beds=3, occupants=3
    )  # 3.33 m²: breaks 4
    assert _open(room=room).filter(rule=R.DORM_MIN_AREA).exists()
    policy_services.policy_change(
        actor=admin,
        key=R.DORM_MIN_AREA,
        value="3",
        area=wp.tree.a.community,
        effective_from=timezone.now(),
        source="社区试点：3平方米",
    )
    assert not _open(room=room).exists()


def test_plans_generate_submit_approve_reject(wp):
    plan = services.plan_generate(actor=wp.contact, workplace=wp.factory)
    assert plan.version == 1 and bytes(plan.file).startswith(b"%PDF") and plan.status == "draft"
    services.plan_submit(actor=wp.contact, plan=plan)
    services.plan_submit(actor=wp.contact, plan=plan)  # a retried request changes nothing
    with pytest.raises(ValidationError):  # a contact may not approve
        services.plan_decide(actor=wp.contact, plan=plan, approve=True)
    with pytest.raises(ValidationError) as exc:  # a rejection needs its reason
        services.plan_decide(actor=wp.street, plan=plan, approve=False)
    assert "note" in exc.value.message_dict
    services.plan_decide(actor=wp.street, plan=plan, approve=False, note="缺少应急处置流程")
    plan.refresh_from_db()
    assert plan.status == "rejected" and plan.approved_by == wp.street
    v2 = services.plan_upload(
        actor=wp.contact, workplace=wp.factory, content=b"%PDF-1.4 test", filename="方案.pdf"
    )
    assert v2.version == 2
    with pytest.raises(ValidationError):  # the older version is superseded
        services.plan_submit(actor=wp.contact, plan=plan)
    services.plan_submit(actor=wp.contact, plan=v2)
    services.plan_decide(actor=wp.street, plan=v2, approve=True)
    assert Plan.objects.get(pk=v2.pk).status == "approved"


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"MZ\x90\x00", "plan.pdf"), (b"%PDF", "plan.exe"), (b"", "plan.pdf"), (b"hello", "plan.docx")],
)
def test_bad_plan_uploads(wp, content, name):
    with pytest.raises(ValidationError):
        services.plan_upload(actor=wp.contact, workplace=wp.factory, content=content, filename=name)
    assert not Plan.objects.exists()


def test_contact_acts_only_for_their_workplace(wp):
    assert list(Workplace.objects.visible_to(wp.contact)) == [wp.factory]
    with pytest.raises(ValidationError) as exc:
        services.plan_generate(actor=wp.contact, workplace=wp.other)
    assert "未知的单位" in str(exc.value)
    with pytest.raises(ValidationError):
        services.dormitory_create(actor=wp.contact, workplace=wp.other, name="x")
    services.dormitory_create(actor=wp.contact, workplace=wp.factory, name="自有宿舍")


def test_check_onsite_opens_restamps_and_resolves(wp):
    v = services.check_onsite(workplace=wp.factory, on_site=30, staff=40)
    assert (
        v is not None
        and v.rule == R.ONSITE
        and v.value == decimal.Decimal("0.75")
        and v.limit == decimal.Decimal("0.5")
    )
    assert v.policy.definition.key == R.ONSITE
    again = services.check_onsite(workplace=wp.factory, on_site=25, staff=40)
    assert again.pk == v.pk and again.value == decimal.Decimal("0.62")
    assert services.check_onsite(workplace=wp.factory, on_site=20, staff=40) is None
    v.refresh_from_db()
    assert v.resolved_at is not None
    # Not a dense company: no rule.
    assert services.check_onsite(workplace=wp.other, on_site=12, staff=12) is None
    # A report-like object works the same.
    report = type("Report", (), {"workplace": wp.factory, "staff_on_site": 39})()
    assert services.check_onsite(report).value == decimal.Decimal("0.98")
