"""Demo gate data for the last fortnight, written through the gates services (seed_demo calls `seed(ctx)`).

In the first few communities: a place code (poster) per gate, a post per gate, passes for most
households (one revoked), two weeks of scans at the gates including refusals (no pass, fever, a returnee
without notice, whose refusal opens a follow-up), returnee notices at every stage (the completed ones
sign the letter, which issues the pass and orders observation), and a seal on a household under home
observation. Deterministic for a given seed (the services' random pass numbers and tracking codes aside).
"""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from fangkong.areas.models import Place
from fangkong.core import crypto
from fangkong.people import services as people_services
from fangkong.people.models import Person

from . import selectors, services
from .models import ReturneeNotice, Seal

SEAL_REASON = Seal.Reason.OBSERVATION

DEMO_COMMUNITIES = {"tiny": 2, "small": 3}  # communities with gate activity; other scales get 4
TRAVEL_FROM = ["河北省石家庄市", "河南省郑州市", "山东省济南市", "黑龙江省哈尔滨市", "湖北省武汉市"]


def demo_communities(ctx) -> list:
    return list(ctx.communities[: DEMO_COMMUNITIES.get(ctx.scale_name, 4)])


def _at(day: datetime.date, minute: int) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(minutes=minute)
    )


def _notice(ctx, community, person: Person, *, by: str, days_ago: int) -> ReturneeNotice:
    rng = ctx.rng
    household = person.area
    return services.returnee_notice_submit(
        actor=None,
        area=household,
        submitted_by=by,
        name=person.name,
        id_number=crypto.decrypt(person.id_number_enc),
        id_type=person.id_type,
        phone=crypto.decrypt(person.phone_enc) if person.phone_enc else "",
        travel_from=rng.choice(TRAVEL_FROM),
        arrival_date=timezone.localdate() - datetime.timedelta(days=days_ago),
        address=household.name,
        submitter_name=person.name if by == "self" else "房东" if by == "landlord" else "单位联络员",
        landlord_name="王建国" if by == "landlord" else "",
        employer="北京丰台物流有限公司" if by == "employer" else "",
    )


def _inspect(notice, *, ok: bool = True):
    conditions = services.observation_conditions(area_path=notice.area_path)
    checklist = {c: ok or i > 0 for i, c in enumerate(conditions)}
    services.home_inspection_record(actor=None, notice=notice, checklist=checklist, notes="入户核查")


def _returnees(ctx, community, away: list[Person]) -> None:
    """Returnees at every stage, one or more each, from the residents still away."""
    stages = ["notified", "inspection", "decided", "completed", "completed", "postponed", "rejected", "home"]
    for i, (person, stage) in enumerate(zip(away, stages, strict=False)):
        notice = _notice(ctx, community, person, by=["self", "landlord", "employer"][i % 3], days_ago=i % 5)
        if stage == "notified":
            continue
        if stage == "rejected":
            services.returnee_review(actor=None, notice=notice, accept=False, note="重复申报")
            continue
        services.returnee_review(actor=None, notice=notice, accept=True)
        _inspect(notice)
        if stage == "inspection":
            continue
        if stage == "postponed":
            services.returnee_decide(actor=None, notice=notice, decision="postpone", note="暂缓返京")
            continue
        decision = "centralized" if stage == "decided" and i % 2 else "home"
        services.returnee_decide(actor=None, notice=notice, decision=decision)
        if stage in ("completed", "home"):
            services.returnee_letter_sign(actor=None, notice=notice, signed_by=person.name)


def _scans(ctx, gate, passes, away: list[Person], days: int) -> None:
    """Two weeks at one gate: residents in and out with their pass, a few refusals each day."""
    rng = ctx.rng
    today = timezone.localdate()
    now = timezone.now()
    for back in range(days, -1, -1):
        day = today - datetime.timedelta(days=back)
        items = []
        for p in rng.sample(passes, min(len(passes), 8)):
            minute = rng.randrange(7 * 60, 21 * 60)
            items.append(
                {
                    "client_id": uuid.UUID(int=rng.getrandbits(128)),
                    "code": selectors.pass_token(p),
                    "place": gate,
                    "temperature": rng.choice(["36.2", "36.4", "36.5", "36.6", "36.8"]),
                    "direction": rng.choice(["in", "out"]),
                    "scanned_at": _at(day, minute),
                }
            )
        if back % 3 == 0:  # a fever at the gate, referred to the health centre
            items[0]["temperature"] = "37.8"
        if back % 4 == 1 and away:  # a resident still away comes back without notice: refused
            person = away[back % len(away)]
            items.append(
                {
                    "client_id": uuid.UUID(int=rng.getrandbits(128)),
                    "code": crypto.decrypt(person.id_number_enc),
                    "place": gate,
                    "temperature": "36.5",
                    "direction": "in",
                    "travel_from": rng.choice(TRAVEL_FROM),
                    "scanned_at": _at(day, rng.randrange(9 * 60, 20 * 60)),
                }
            )
        items = [i for i in items if i["scanned_at"] <= now]
        if items:
            services.scan_batch_record(actor=None, items=items)


def seed_activity(ctx) -> None:
    rng = ctx.rng
    counts = {"passes": 0, "notices": 0}
    for community in demo_communities(ctx):
        gates = list(Place.objects.filter(area=community, kind=Place.Kind.GATE).order_by("pk"))
        for gate in gates:
            services.place_code_for(actor=None, place=gate)
            services.post_create(actor=None, place=gate, name=f"{gate.name}岗")
        residents = list(
            Person.objects.filter(area_path__startswith=community.path, status="normal")
            .select_related("area")
            .order_by("pk")
        )
        present = [p for p in residents if p.return_status != Person.Return.NOT_RETURNED]
        away = [p for p in residents if p.return_status == Person.Return.NOT_RETURNED]
        # Small scales have too few people away for every returnee stage: send a few more away.
        while len(away) < 10 and len(present) > 20:
            away.append(
                people_services.person_update(
                    actor=None, person=present.pop(), return_status=Person.Return.NOT_RETURNED
                )
            )
        heads, seen = [], set()
        for p in present:
            if p.area_id not in seen:
                seen.add(p.area_id)
                heads.append(p)
        passes = []
        for p in heads:
            valid_from = timezone.now() - datetime.timedelta(days=rng.randrange(10, 16))
            passes.append(services.pass_issue(actor=None, person=p, valid_from=valid_from, source="入户登记"))
        if len(passes) > 3:
            services.pass_revoke(actor=None, pass_obj=passes[-1], reason="搬离本社区")
            passes = passes[:-1]
        counts["passes"] += len(passes)
        # Refused at the gate without notice first (follow-ups), then the notices of the others.
        refused, noticed = away[:2], away[2:]
        if gates and passes:
            _scans(ctx, gates[0], passes, refused, days=13)
        _returnees(ctx, community, noticed)
        home = Person.objects.filter(area_path__startswith=community.path, status="home_observation").first()
        if home is not None:
            services.seal_create(
                actor=None,
                area=home.area,
                reason=SEAL_REASON,
                person=home,
                slip_number=f"FT{home.pk:06d}",
                note="门磁已安装",
            )
        counts["notices"] += min(len(noticed), 8)
    ctx.say(f"  {counts['passes']} passes, {counts['notices']} returnee notices")
