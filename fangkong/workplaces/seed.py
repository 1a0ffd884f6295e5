"""Demo workplaces, through the workplaces services (seed_demo calls `seed(ctx)`).

In each of the first three streets: a workplace of every type on a place of the tree (the existing
workplace places first), an office building with its two heads (双楼长) and two tenant companies, small
businesses on the positive and negative lists, one closed. The factory and the construction site keep
staff lists (some matched to registered residents, by document number) and dormitories: one room of 8 in
20 m² and an underground room with bunks break the rules, the others keep them. The building's plan is
approved, the factory's waits for the street (staff, dormitories and plans in the first street and the
contact's; the registry in the others, to keep the demo quick). The demo user `workplace_fzwm` is the factory's contact in
the street they are scoped to."""

from __future__ import annotations

from fangkong.areas.models import Place
from fangkong.core import crypto
from fangkong.people.models import Person

from . import services
from .models import WorkplaceType

NAMES = {
    WorkplaceType.OFFICE_BUILDING: "{s}科技大厦",
    WorkplaceType.TENANT_COMPANY: "{s}信息技术有限公司",
    WorkplaceType.CONSTRUCTION_SITE: "{s}安置房项目工地",
    WorkplaceType.SUPERMARKET: "{s}物美超市",
    WorkplaceType.FACTORY: "{s}服装厂",
    WorkplaceType.RESTAURANT: "{s}家常菜馆",
    WorkplaceType.INTERNET_CAFE: "{s}网吧",
    WorkplaceType.HOTEL: "{s}快捷宾馆",
    WorkplaceType.BATH_HOUSE: "{s}浴池",
    WorkplaceType.KARAOKE: "{s}KTV",
    WorkplaceType.BARBER: "{s}理发店",
    WorkplaceType.CONVENIENCE_STORE: "{s}便利店",
}
STAFF = [
    ("王建国", "day"),
    ("李秀英", "day"),
    ("张伟", "night"),
    ("刘洋", "night"),
    ("陈静", "day"),
    ("杨帆", "night"),
]
LISTS = {
    WorkplaceType.RESTAURANT: "positive",
    WorkplaceType.KARAOKE: "negative",
    WorkplaceType.BARBER: "positive",
}


def _street_user():
    from fangkong.accounts.models import User

    return User.objects.filter(username="street_lgq").first()


def _contact_user():
    from fangkong.accounts.models import User

    return User.objects.filter(username="workplace_fzwm").first()


def seed(ctx) -> None:
    from fangkong.accounts.demo import demo_accounts_create

    demo_accounts_create()
    contact = _contact_user()
    contact_paths = [s.area.path for s in contact.active_scopes()] if contact else []
    street_user = _street_user()
    free = {
        kind: list(Place.objects.filter(kind=kind, workplace__isnull=True).order_by("pk"))
        for kind in (
            Place.Kind.WORKPLACE,
            Place.Kind.SUPERMARKET,
            Place.Kind.OFFICE_BUILDING,
            Place.Kind.CONSTRUCTION_SITE,
            Place.Kind.SMALL_VENUE,
        )
    }
    for n, street in enumerate(ctx.streets[:3]):
        communities = [c for c in ctx.communities if c.path.startswith(street.path)]
        if not communities:
            continue
        short = street.name.replace("街道", "").replace("地区", "").replace("镇", "")
        approver = (
            street_user
            if street_user
            and any(street.path.startswith(p) for p in [s.area.path for s in street_user.active_scopes()])
            else None
        )
        made = {}
        for i, wtype in enumerate(WorkplaceType):
            if wtype == WorkplaceType.TENANT_COMPANY:
                continue
            community = communities[i % len(communities)]
            kind = services.place_kind(wtype)
            place = next((p for p in free.get(kind, []) if p.area_path.startswith(community.path)), None)
            if place is not None:
                free[kind].remove(place)
            fields = {
                "staff_count": 20 + 7 * i,
                "floor_area": 300 + 50 * i,
                "safety_contact_name": f"{short}联络员{i + 1}",
                "safety_contact_phone": f"139{n:02d}{i:02d}0000"[:11],
                "risk_grade": "medium" if i % 4 == 1 else "low",
                "open": wtype != WorkplaceType.BATH_HOUSE,
                "list_status": LISTS.get(wtype, "none"),
            }
            if wtype == WorkplaceType.OFFICE_BUILDING:
                fields.update(
                    head_street_name=f"{short}街道楼长",
                    head_street_phone="13811110000",
                    head_property_name=f"{short}物业楼长",
                    head_property_phone="13822220000",
                )
            if wtype == WorkplaceType.FACTORY:
                fields.update(dense=True, staff_count=120)
            made[wtype] = services.workplace_create(
                actor=None,
                place=place,
                area=None if place else community,
                name=NAMES[wtype].format(s=short),
                type=wtype,
                address=f"{community.name}内",
                **fields,
            )
        building = made[WorkplaceType.OFFICE_BUILDING]
        for j in range(2):
            services.workplace_create(
                actor=None,
                area=building.area,
                name=f"{short}{'甲乙'[j]}公司",
                type=WorkplaceType.TENANT_COMPANY,
                parent=building,
                staff_count=30 + 10 * j,
                dense=j == 0,
                safety_contact_name=f"租户联络员{j + 1}",
            )
        factory, site = made[WorkplaceType.FACTORY], made[WorkplaceType.CONSTRUCTION_SITE]
        if contact is not None and any(factory.area_path.startswith(p) for p in contact_paths):
            services.workplace_update(
                actor=None,
                workplace=factory,
                safety_contact_user=contact,
                safety_contact_name=contact.display_name[-2:],
            )
        _dormitories(factory, site)
        _staff(factory, site)
        plan = services.plan_generate(actor=None, workplace=building)
        services.plan_submit(actor=None, plan=plan)
        services.plan_decide(actor=approver, plan=plan, approve=True)
        pending = services.plan_generate(actor=None, workplace=factory)
        services.plan_submit(actor=None, plan=pending)
        services.plan_generate(actor=None, workplace=site)  # a draft


def _dormitories(factory, site) -> None:
    above = services.dormitory_create(actor=None, workplace=factory, name="员工宿舍1号楼")
    below = services.dormitory_create(actor=None, workplace=site, name="地下宿舍", underground=True)
    camp = services.dormitory_create(actor=None, workplace=site, name="工地板房")
    # (dormitory, number, m², beds, occupants, bunks): 101 holds 8 in 20 m² (both dormitory rules broken),
    # B01 has bunks and 3 people underground; the rest keep the rules.
    for dorm, number, area, beds, occupants, bunks in (
        (above, "101", 20, 8, 8, True),
        (above, "102", 24, 6, 4, False),
        (above, "103", 30, 6, 6, True),
        (below, "B01", 12, 4, 3, True),
        (below, "B02", 12, 2, 2, False),
        (camp, "1", 24, 6, 5, True),
    ):
        services.room_create(
            actor=None,
            dormitory=dorm,
            number=number,
            floor_area=area,
            beds=beds,
            occupants=occupants,
            bunks=bunks,
            floor=-1 if dorm.underground else 1,
        )


def _staff(factory, site) -> None:
    from .models import Room

    rooms = {r.number: r for r in Room.objects.filter(workplace__in=[factory, site])}
    people = list(
        Person.objects.filter(area_path__startswith=factory.area_path[:12]).order_by("pk")[: len(STAFF)]
    )
    for k, (name, shift) in enumerate(STAFF):
        person = people[k] if k < len(people) else None
        services.staff_add(
            actor=None,
            workplace=factory,
            name=person.name if person else name,
            id_number=crypto.decrypt(person.id_number_enc)
            if person and person.id_type == "resident_id"
            else "",
            position="缝纫工" if k % 2 else "质检员",
            shift=shift,
            room=rooms["101"] if k < 2 else rooms["102"],
        )
    for k, (name, shift) in enumerate(STAFF[:3]):
        services.staff_add(
            actor=None,
            workplace=site,
            name=f"{name}（工地）",
            shift=shift,
            position="钢筋工",
            room=rooms["B01"] if k < 2 else rooms["1"],
        )


from .seed_reports import seed_activity  # noqa: E402,F401  wp2: daily reports, inspections, the ledger
