"""Demo observation for the last fortnight, through the observation services (seed_demo calls `seed(ctx)`).

Each street's centralized site gets rooms and a team. In the demo communities (the gates seed's): orders of
every type and of every state (planned, active, extended, ended, transferred to a site), daily health
reports from each order's start with a few gaps and fevers (so alerts exist, one of them resolved), test
results where due, care groups for home observation, and sick-leave reports from a workplace.
Every status a resident carries here comes from an order the services created.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from fangkong.areas.models import STEP, Place
from fangkong.gates.seed import demo_communities
from fangkong.people.models import Person

from . import services
from .models import Alert, OrderType, RequiredTest, SiteMember

ROOMS_PER_SITE = 12
WORKPLACES = [Place.Kind.WORKPLACE, Place.Kind.SUPERMARKET, Place.Kind.SMALL_VENUE]
STAFF = [
    ("刘建华", SiteMember.Team.LEAD),
    ("周医生", SiteMember.Team.MEDICAL),
    ("吴护士", SiteMember.Team.MEDICAL),
    ("马保安", SiteMember.Team.SECURITY),
    ("郭师傅", SiteMember.Team.LOGISTICS),
]
# (order type, reason, days ago it started); negative = starts in the future (a planned order)
ORDERS = [
    (OrderType.HOME, "secondary_contact", 12),
    (OrderType.HOME, "secondary_contact", 9),
    (OrderType.HOME, "secondary_contact", 3),
    (OrderType.HEALTH_MONITORING, "other", 6),
    (OrderType.HEALTH_MONITORING, "close_contact", 2),
    (OrderType.CENTRALIZED, "close_contact", 8),
    (OrderType.CENTRALIZED, "close_contact", 4),
    (OrderType.EMPLOYER_CENTRALIZED, "returnee", 5),
    (OrderType.HOME, "secondary_contact", -2),
    (OrderType.HOME, "secondary_contact", 13),  # ended early below
]


def _sites(ctx) -> dict[str, Place]:
    """Rooms and a team at every street's site; returns the site of each street path."""
    by_street = {}
    for site in Place.objects.filter(kind=Place.Kind.OBSERVATION_SITE).order_by("pk"):
        for i in range(ROOMS_PER_SITE):
            features = ["network"] if i % 4 == 0 else []
            services.room_create(
                actor=None,
                site=site,
                number=f"{1 + i // 6}{i % 6 + 1:02d}",
                floor=1 + i // 6,
                features=features,
            )
        for name, team in STAFF:
            services.site_member_add(actor=None, site=site, name=name, team=team, phone="13800000000")
        by_street[site.area_path] = site
    return by_street


def _reports(ctx, order, *, today: datetime.date) -> None:
    rng = ctx.rng
    day = order.start
    while day <= today:
        if rng.random() < 0.1 and day < today:  # a missed day: the alerts scan flags it
            day += datetime.timedelta(days=1)
            continue
        fever = rng.random() < 0.03
        services.report_submit(
            actor=None,
            order=order,
            temperature="37.6" if fever else rng.choice(["36.3", "36.5", "36.6", "36.7"]),
            symptoms=["cough"] if fever else [],
            needs=["food"] if rng.random() < 0.1 else [],
            needs_note="需代购蔬菜" if rng.random() < 0.05 else "",
            date=day,
        )
        day += datetime.timedelta(days=1)


def _tests(order, *, today: datetime.date) -> None:
    for test in RequiredTest.objects.filter(order=order, due_date__lte=today).order_by("day"):
        services.test_result_set(actor=None, test=test, result="negative", source="社区卫生服务中心")


def seed_activity(ctx) -> None:
    today = timezone.localdate()
    sites = _sites(ctx)
    made = 0
    for community in demo_communities(ctx):
        site = next((s for path, s in sites.items() if community.path.startswith(path)), None)
        candidates = list(
            Person.objects.filter(
                area_path__startswith=community.path, status="normal", return_status=Person.Return.PRESENT
            )
            .exclude(observation_orders__isnull=False)
            .order_by("-pk")[: len(ORDERS)]
        )
        for person, (order_type, reason, ago) in zip(candidates, ORDERS, strict=False):
            centralized = order_type in (OrderType.CENTRALIZED, OrderType.EMPLOYER_CENTRALIZED)
            if order_type == OrderType.CENTRALIZED and site is None:
                continue
            order = services.order_create(
                actor=None,
                person=person,
                order_type=order_type,
                reason=reason,
                source="流调推送" if reason != "returnee" else "返京申报",
                start=today - datetime.timedelta(days=ago),
                site=site if order_type == OrderType.CENTRALIZED else None,
            )
            made += 1
            if ago < 0:
                continue
            if order_type == OrderType.CENTRALIZED:
                services.stay_check_in(actor=None, order=order, site=site, notes="转运入住")
            elif not centralized:
                services.care_group_for_household(actor=None, household=person.area)
            _reports(ctx, order, today=today)
            _tests(order, today=today)
            if ago == 9:
                services.order_extend(actor=None, order=order, days=7, reason="同住人核酸异常，延长观察")
            if ago == 13:
                services.order_end(actor=None, order=order, force=True, reason="核酸阴性，转为健康监测")
        workplace = (
            Place.objects.filter(area_path__startswith=community.path[: 3 * STEP], kind__in=WORKPLACES)
            .order_by("pk")
            .first()
        )
        if workplace is not None:
            services.sick_leave_report(
                actor=None,
                workplace=workplace,
                person_name="赵磊",
                phone="13912345678",
                symptoms=["fever"],
                days=2,
            )
    for back in range(13, 0, -1):  # the nightly scan of each past day flags the missed reports
        day = today - datetime.timedelta(days=back)
        services.alerts_scan(at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 0))))
    first = Alert.objects.filter(status=Alert.Status.OPEN).order_by("pk").first()
    if first is not None:
        services.alert_resolve(actor=None, alert=first, action="close", note="电话回访，体温已正常")
    ctx.say(f"  {made} observation orders, {Alert.objects.count()} alerts")
