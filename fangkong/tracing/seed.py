"""Demo investigation: a small outbreak with a chain, written through the services (seed_demo calls
`seed_activity(ctx)` after the gates and observation demo fortnight).

At the first demo community's gate, a resident who later tests positive scans in yesterday morning; a
neighbour and a visitor from the next community pass the same gate within minutes (the gate's scan of
the visitor names nobody; the visitor link finds them), and a resident of the next community meets the
case at the street's market. Their scans go in through the gates service like any other. The
screening hand-off opens the case (its timeline fills from the scans and the registry), the candidates
are listed with their reasons and confirmed in one action (observation orders in bulk), one of them
tests positive in turn (a second case linked to the first), both join a cluster; a risk area and a
region get their 大数据排查."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from fangkong.areas import services as area_services
from fangkong.areas.models import Place
from fangkong.core import crypto
from fangkong.gates import services as gate_services
from fangkong.gates.seed import demo_communities
from fangkong.people.models import Person

from . import services
from .models import Contact


def _at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _normal(community, *, exclude_areas=(), exclude=()) -> list[Person]:
    return list(
        Person.objects.filter(area_path__startswith=community.path, status="normal")
        .exclude(area_id__in=exclude_areas)
        .exclude(pk__in=exclude)
        .order_by("pk")[:50]
    )


def seed_activity(ctx) -> None:
    communities = demo_communities(ctx)
    if not communities:
        return
    home = communities[0]
    nextdoor = communities[1] if len(communities) > 1 else home
    gate = Place.objects.filter(area=home, kind=Place.Kind.GATE).order_by("pk").first()
    if gate is None:
        return
    # The case: a resident living with others (so the household gives candidates too).
    people = _normal(home)
    by_household: dict[int, list[Person]] = {}
    for p in people:
        by_household.setdefault(p.area_id, []).append(p)
    household = next((ps for ps in by_household.values() if len(ps) >= 2), None) or [people[0]]
    case_person = household[0]
    others = _normal(home, exclude_areas=[case_person.area_id])
    near_home = others[0]
    near_next = _normal(nextdoor, exclude_areas=[case_person.area_id], exclude=[near_home.pk])[0]
    # A resident of the next community passing the case's own community gate: the gate's scan names
    # nobody (not registered there), the visitor link lets the investigation find them (issue 18).
    visitor = _normal(nextdoor, exclude_areas=[case_person.area_id], exclude=[near_home.pk, near_next.pk])[0]
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)

    # A market run by the street: residents of every community of the street scan in there.
    street = home.parent
    market = Place.objects.filter(area=street, kind=Place.Kind.MARKET).order_by("pk").first()
    if market is None:
        market = area_services.place_create(
            actor=None, area=street, name=f"{street.name}菜市场", kind=Place.Kind.MARKET
        )

    def item(person, at, direction="out", place=gate):
        return {
            "client_id": uuid.UUID(int=ctx.rng.getrandbits(128)),
            "code": crypto.decrypt(person.id_number_enc),
            "place": place,
            "temperature": "36.5",
            "direction": direction,
            "scanned_at": at,
        }

    gate_services.scan_batch_record(
        actor=None,
        items=[
            item(case_person, _at(yesterday, 8, 30)),
            item(near_home, _at(yesterday, 8, 36)),
            item(visitor, _at(yesterday, 8, 41), "in"),
            item(case_person, _at(yesterday, 17, 5), "in", market),
            item(near_next, _at(yesterday, 17, 13), "in", market),
            item(case_person, _at(yesterday - datetime.timedelta(days=2), 18, 5), "in"),
        ],
    )
    case = services.case_open(
        actor=None,
        person=case_person,
        sample_date=yesterday,
        onset_date=yesterday - datetime.timedelta(days=1),
        lab="丰台区疾控中心实验室",
        source="screening",
        source_ref="DEMO-TUBE-0001",
        classification="confirmed",
    )
    services.timeline_add(
        actor=None, case=case, day=yesterday, text="菜市场（自述，无扫码）", time_from=datetime.time(9, 10)
    )
    services.case_update(actor=None, case=case, whereabouts="hospital", severity="mild")
    services.candidates_find(actor=None, case=case)
    candidates = list(Contact.objects.filter(case=case, state=Contact.State.CANDIDATE).order_by("pk"))
    services.contact_name(actor=None, case=case, person=others[1], note="前天一起吃午饭")
    services.contacts_confirm(actor=None, contacts=candidates)
    named = Contact.objects.filter(case=case, person=others[1]).first()
    if named is not None:
        services.contacts_dismiss(actor=None, contacts=[named], reason="核实未见面")
    # The neighbour at the gate tests positive today: a second case, linked to the first.
    second = services.case_open(
        actor=None,
        person=near_home,
        sample_date=today,
        lab="丰台区疾控中心实验室",
        source="screening",
        source_ref="DEMO-TUBE-0002",
    )
    services.case_link(
        actor=None, source=case, case=second, kind="copresence", evidence="同一门岗扫码相隔6分钟（昨日8:30）"
    )
    services.candidates_find(actor=None, case=second)
    services.cluster_create(actor=None, name=f"{gate.name}聚集性疫情", area=home, cases=[case, second])
    # Risk areas: the gate for yesterday morning (medium), a region outside the district (high).
    spot = services.risk_area_create(
        actor=None,
        level="medium",
        place=gate,
        valid_from=_at(yesterday, 8, 0),
        valid_to=_at(yesterday, 10, 0),
        source="区指挥部通告（演示）",
    )
    services.screening_run(actor=None, risk_area=spot)
    region = services.risk_area_create(
        actor=None,
        level="high",
        region="石家庄",
        valid_from=timezone.now() - datetime.timedelta(days=14),
        source="国务院联防联控机制公布的高风险地区（演示）",
    )
    services.screening_run(actor=None, risk_area=region)
    ctx.say("  2 cases, 1 cluster, contacts confirmed, 2 risk areas screened")
