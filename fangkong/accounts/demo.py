"""Demo accounts: one per role, scoped as such a person would be. Demo mode only."""

from fangkong.areas.models import Area, Level

DEMO_PASSWORD = "fangkong-demo-2020"

# username, display name, role, where: ("district"|"street"|"community"|"grid", index)
DEMO_USERS = [
    ("district_admin", "区管理员 王磊", "district_admin", ("district", 0)),
    ("street_lgq", "卢沟桥街道 协调员 李娜", "street_coordinator", ("street", 0)),
    ("worker_zgs", "镇国寺社区 社工 张敏", "community_worker", ("community", 0)),
    ("worker_wpc", "宛平城社区 社工 刘洋", "community_worker", ("community", 1)),
    ("grid_zgs1", "网格员 陈静", "grid_member", ("grid", 0)),
    ("gate_zgs", "门岗志愿者 赵强", "gate_volunteer", ("community", 0)),
    ("doctor_lgq", "家庭医生 孙丽", "medical_staff", ("street", 0)),
    ("cadre_zgs", "下沉干部 周涛", "cadre", ("community", 0)),
    ("hotline", "12345 接线员 吴芳", "hotline_operator", ("district", 0)),
    ("dept_rsj", "区人力社保局 承办人 马骏", "hotline_department", ("district", 0)),
    ("tracer", "流调队员 郑浩", "investigator", ("district", 0)),
    ("workplace_fzwm", "企业防疫联络员 冯雪", "workplace_contact", ("street", 2)),
    ("leader", "领导小组 何军", "leadership_viewer", ("district", 0)),
]


def demo_area(where) -> Area:
    level, index = where
    qs = Area.objects.filter(
        level={
            "district": Level.DISTRICT,
            "street": Level.STREET,
            "community": Level.COMMUNITY,
            "grid": Level.GRID,
        }[level]
    ).order_by("path")
    return qs[index] if qs.count() > index else qs.last()


def demo_accounts_create(password: str = DEMO_PASSWORD) -> list:
    """Create (once) the superuser `admin` and one account per demo role; returns the demo users."""
    from fangkong.accounts import services
    from fangkong.accounts.models import Role, User

    if not User.objects.filter(username="admin").exists():
        services.user_create(
            actor=None, username="admin", password=password, display_name="系统管理员", is_superuser=True
        )
    users = []
    for username, name, role, where in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.user_create(actor=None, username=username, password=password, display_name=name)
            services.scope_add(actor=None, user=user, area=demo_area(where), role=Role.objects.get(code=role))
        users.append(user)
    return users
