"""How hotline records are searched in scoped choices: the address autocomplete (streets, communities and
buildings by name, pinyin or initials — 'zgs' finds 镇国寺社区), units and their members."""

from django.db.models import Q

from fangkong.areas.models import Area, Level
from fangkong.core.choices import register_lookup

from .models import Unit


def _area_label(a: Area) -> str:
    if a.level == Level.BUILDING and a.parent_id:
        return f"{a.parent.parent.name if a.parent.parent_id else ''} {a.name}".strip()
    return f"{a.name}（{a.get_level_display()}）"


def _areas(user, perm):
    return Area.objects.visible_to(user, perm).filter(
        level__in=[Level.STREET, Level.COMMUNITY, Level.BUILDING]
    )


def _search(qs, q):
    from .matching import candidates, search_ids

    q = (q or "").strip()
    if not q:
        return qs
    ids = search_ids(candidates(None), q)
    # Buildings by their community: "zgs 3号楼" or "镇国寺 3号楼".
    parts = q.split()
    if len(parts) > 1:
        communities = search_ids(candidates(None), parts[0])
        return qs.filter(level=Level.BUILDING, parent__parent_id__in=communities, name__contains=parts[-1])
    return qs.filter(Q(pk__in=ids) | Q(name__contains=q))


for key, perm in (
    ("hotline.area", "hotline.add_workorder"),
    ("hotline.match_area", "hotline.change_workorder"),
):
    register_lookup(
        key,
        Area,
        queryset=lambda user, _perm=perm: _areas(user, _perm),
        search=_search,
        label=_area_label,
        select_related=("parent__parent",),
        default=False,
    )

register_lookup(
    "hotline.unit",
    Unit,
    label=lambda u: f"{u.name}（{u.get_kind_display()}）",
    default=True,
)


def _handlers(user):
    from fangkong.accounts.models import User

    units = Unit.objects.visible_to(user, "hotline.dispatch_workorder")
    return User.objects.filter(hotline_units__in=units, is_active=True).distinct()


def _register_handlers():
    from fangkong.accounts.models import User

    register_lookup(
        "hotline.handler",
        User,
        queryset=_handlers,
        search=lambda qs, q: qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q)),
        label=lambda u: u.display_name or u.username,
        default=False,
    )


_register_handlers()
