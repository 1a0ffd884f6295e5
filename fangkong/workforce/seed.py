"""Demo workforce, through the workforce services (seed_demo calls `seed_activity(ctx)`).

Each street's units send a list of district-level cadres (imported like a unit's Excel list); each
community has its volunteers and reporting party members; the demo cadre `cadre_zgs` is a worker linked
to his account; the communities state their needs, and the district assigns the cadres by criteria (the
open requests first, then by population), leaving a reserve. The first community has a volunteer link
with registrations to review (one approved, one rejected), a party members' link and a revoked one."""

from __future__ import annotations

import csv
import datetime
import io

from django.utils import timezone
from faker import Faker

from . import services
from .models import Duty, Worker

UNITS = ["区发改委", "区财政局", "区教委", "区住建委", "区城管委", "区税务局", "区司法局", "区文旅局"]
SKILLS = ["", "", "", "司机", "医疗", "心理", "翻译", "信息技术", "司机、医疗"]
CADRES_PER_STREET = {"tiny": 30, "small": 30}  # other scales 40
LOCALS_PER_COMMUNITY = {"tiny": 14, "small": 14}  # other scales 20


def _csv(rows) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["姓名", "证件号码", "手机号", "人员类别", "层级", "派出单位", "技能"])
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


class _People:
    """Deterministic names, valid ID numbers and phones, never twice."""

    def __init__(self, ctx):
        self.rng = ctx.rng
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(ctx.seed + 20)
        self.numbers: set[str] = set()
        self.phones: set[str] = set()

    def one(self) -> tuple[str, str, str]:
        number = self.fake.ssn(min_age=22, max_age=58)
        while number in self.numbers:
            number = self.fake.ssn(min_age=22, max_age=58)
        self.numbers.add(number)
        phone = f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"
        while phone in self.phones:
            phone = f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"
        self.phones.add(phone)
        return self.fake.name(), number, phone


def seed_activity(ctx) -> None:
    from fangkong.accounts.demo import demo_accounts_create

    if not ctx.communities or Worker.objects.exists():
        return
    users = {u.username: u for u in demo_accounts_create()}
    admin = users.get("district_admin")
    people = _People(ctx)
    rng = ctx.rng
    cadres = CADRES_PER_STREET.get(ctx.scale_name, 40)
    locals_ = LOCALS_PER_COMMUNITY.get(ctx.scale_name, 20)
    today = timezone.localdate()

    # The units' lists of cadres, one file per street (the district's own level).
    for street in ctx.streets:
        rows = []
        for i in range(cadres):
            name, number, phone = people.one()
            level = "市级" if i % 10 == 0 else "区级"
            rows.append([name, number, phone, "下沉干部", level, UNITS[i % len(UNITS)], rng.choice(SKILLS)])
        services.worker_import(
            actor=None, area=street, content=_csv(rows), filename=f"{street.name}名单.csv", level="district"
        )

    # Each community's volunteers and party members (its own level), one file per community.
    for community in ctx.communities:
        rows = []
        for i in range(locals_):
            name, number, phone = people.one()
            kind = "在职党员" if i % 3 == 0 else "志愿者"
            rows.append(
                [
                    name,
                    number,
                    phone,
                    kind,
                    "社区",
                    "" if kind == "志愿者" else "区属单位",
                    rng.choice(SKILLS),
                ]
            )
        services.worker_import(
            actor=None,
            area=community,
            content=_csv(rows),
            filename=f"{community.name}志愿者.csv",
            kind=Worker.Kind.VOLUNTEER,
            level=Worker.Level.COMMUNITY,
        )

    first = ctx.communities[0]
    # The demo cadre logs in: his worker record is linked to his account.
    cadre_user = users.get("cadre_zgs")
    if cadre_user is not None:
        _name, number, phone = people.one()
        services.worker_create(
            actor=None,
            area=first,
            name="周涛",
            kind=Worker.Kind.CADRE,
            level=Worker.Level.DISTRICT,
            home_unit="区发改委",
            skills=["driver"],
            id_number=number,
            phone=phone,
            user=cadre_user,
        )

    # Needs: every community asks; the district fills the open requests, then assigns by population.
    worker = users.get("worker_zgs")
    for i, community in enumerate(ctx.communities):
        services.request_create(
            actor=worker if community == first else None,
            area=community,
            count=4 + (i % 3) * 2,
            duties=[Duty.GATE, Duty.PATROL] if i % 2 == 0 else [Duty.DOOR_TO_DOOR, Duty.DELIVERY],
            start=today - datetime.timedelta(days=3 - i % 3),
            note="卡口24小时值守" if i % 2 == 0 else "入户排查、物资配送",
        )
    communities = list(ctx.communities)
    need = sum(4 + (i % 3) * 2 for i in range(len(communities)))
    # Two requests stay open: a gap the district page shows. At the district's 400 communities the
    # needs outnumber the cadres (16 streets x 40): the first wave then takes all but a reserve.
    cadres = Worker.objects.filter(kind=Worker.Kind.CADRE, status=Worker.Status.ACTIVE).count()
    first_wave = max(min(need - 4, cadres - 20), 1)
    services.assign_by_criteria(
        actor=admin,
        count=first_wave,
        criterion="open_requests",
        kind=Worker.Kind.CADRE,
        duty=Duty.GATE,
        start=today - datetime.timedelta(days=2),
    )
    reserve = Worker.objects.filter(
        kind=Worker.Kind.CADRE, status=Worker.Status.ACTIVE, area__level="street"
    ).count()
    if reserve > 10:
        services.assign_by_criteria(
            actor=admin,
            count=reserve - 10,  # ten stay in reserve for the browser test and the district page
            criterion="population",
            kind=Worker.Kind.CADRE,
            duty=Duty.PATROL,
            start=today - datetime.timedelta(days=1),
        )

    # Today's new needs, not met yet: the district page shows their gap and the workbench the requests.
    for community in communities[:2]:
        services.request_create(
            actor=worker if community == first else None,
            area=community,
            count=3,
            duties=[Duty.SAMPLING_SUPPORT],
            start=today,
            note="核酸采样点秩序维护",
        )

    # Self-registration in the first community: a volunteer link with registrations to review.
    link = services.registration_link_create(
        actor=worker, area=first, kind=Worker.Kind.VOLUNTEER, title="疫情防控志愿者招募"
    )
    registered = []
    for skills in (["driver"], [], ["medical"], ["psychological"], []):
        name, number, phone = people.one()
        registered.append(
            services.self_register(
                token=link.token, name=name, phone=phone, id_number=number, skills=skills, home_unit=""
            )
        )
    services.registration_review(actor=worker, worker=registered[0], approve=True)
    services.registration_review(actor=worker, worker=registered[1], approve=False, note="不在本社区居住")
    party = services.registration_link_create(
        actor=worker, area=first, kind=Worker.Kind.PARTY_MEMBER, title="在职党员回社区报到"
    )
    name, number, phone = people.one()
    services.self_register(token=party.token, name=name, phone=phone, id_number=number, home_unit="区教委")
    old = services.registration_link_create(
        actor=worker, area=first, kind=Worker.Kind.VOLUNTEER, title="春节志愿者（已停止）"
    )
    services.registration_link_revoke(actor=worker, link=old)
    from .seed_care import seed_care

    seed_care(ctx)  # care and health (wf3): insurance, rest, meals and equipment, health reports
    # The week's roster and its check-ins belong to the fortnight: the briefing's snapshots (seed_final,
    # earlier in the app order) must already see them, or its consistency check finds them missing.
    _seed_roster(ctx)
    ctx.say(
        f"  workforce: {Worker.objects.count()} workers, "
        f"{Worker.objects.filter(status=Worker.Status.PENDING).count()} registrations to review"
    )


def _seed_roster(ctx) -> None:
    """This week's roster of the first community (generated by the solver through the service, from Monday),
    its posts' check-in codes, check-ins of the shifts so far (most on time, some late, a few missing and
    flagged), and the demo cadre `cadre_zgs` checked in at the gate post now when the rules let him."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from fangkong.gates.models import PostShift

    from . import selectors
    from .models import Attendance

    if not ctx.communities:
        return
    first = ctx.communities[0]
    User = get_user_model()
    planner = (
        User.objects.filter(username="worker_zgs").first() or User.objects.filter(is_superuser=True).first()
    )
    # Once per database: a roster's check-in codes mark it (the care seed gives the demo cadre shifts of his
    # own beforehand, so shifts alone do not tell).
    from .models import PostCode

    if planner is None or PostCode.objects.filter(area_path__startswith=first.path).exists():
        return
    rng = ctx.rng
    now = timezone.now()
    monday = selectors.week_of(timezone.localdate(now))
    week_start, _end = selectors.week_bounds(monday)
    # A night post beside the day gate (20:00–08:00): the roster then has night shifts to share out.
    from fangkong.gates import services as gate_services
    from fangkong.gates.models import Post

    day_posts = list(selectors.community_posts(first).select_related("place"))
    if day_posts and not any(p.kind == Post.Kind.NIGHT for p in day_posts):
        gate_services.post_create(
            actor=planner,
            place=day_posts[0].place,
            name=f"{day_posts[0].place.name}夜间岗",
            kind=Post.Kind.NIGHT,
        )
    # Last week (its history of check-ins) and this week, each generated from its Monday.
    last = monday - datetime.timedelta(days=7)
    services.roster_generate(
        actor=planner,
        community=first,
        monday=last,
        now=week_start - datetime.timedelta(days=7),
        time_limit=1.0,
    )
    services.roster_generate(actor=planner, community=first, monday=monday, now=week_start, time_limit=1.0)
    posts = list(selectors.community_posts(first))
    for p in posts:
        services.post_code_issue(actor=planner, post_id=p.pk)
    cadre = Worker.objects.filter(user__username="cadre_zgs").first()
    if cadre is not None and posts:
        current = (
            PostShift.objects.filter(post=posts[0], start__lte=now, end__gt=now).order_by("start").first()
        )
        if current is not None and current.worker_id != cadre.pk:
            try:
                services.roster_shift_swap(actor=planner, shift_id=current.pk, worker_id=cadre.pk)
            except ValidationError:
                current = None
        if current is not None:
            code = selectors.post_code_current(posts[0])
            at = max(current.start, now - datetime.timedelta(minutes=5))
            services.attendance_check_in(
                actor=cadre.user, token=code.token, lat="39.8501", lon="116.2802", at=at
            )
    # The shifts so far: most checked in (a few late), some missing.
    done = set(Attendance.objects.values_list("shift_id", flat=True))
    started = list(
        PostShift.objects.filter(
            area_path__startswith=first.path, start__lt=now, worker__isnull=False
        ).order_by("start")
    )
    # The latest shift under way that is not the cadre's stays without a check-in: the community sees it flagged.
    recent = [s for s in started if s.pk not in done and s.end > now - datetime.timedelta(hours=12)]
    missing = recent[-1].pk if recent else None
    for shift in started:
        if shift.pk in done or shift.pk == missing or rng.random() < 0.12:
            continue
        late = rng.random() < 0.1
        at = shift.start + datetime.timedelta(
            minutes=rng.randrange(15, 40) if late else -rng.randrange(0, 15)
        )
        out = shift.end + datetime.timedelta(minutes=rng.randrange(0, 10)) if shift.end <= now else None
        services.attendance_record_manual(
            actor=planner, shift_id=shift.pk, checked_in_at=at, checked_out_at=out
        )
    flagged = services.missed_checkins_flag(at=now)
    ctx.say(
        f"  workforce: {PostShift.objects.filter(area_path__startswith=first.path).count()} shifts this week in "
        f"{first.name}, {Attendance.objects.count()} check-ins, {flagged} missed check-ins flagged"
    )
