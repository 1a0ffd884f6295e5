"""The first version of each workplace type's inspection checklist (data; the district edits later
versions through `checklist_version_create`). The seven small places follow the district CDC's
七小场所经营防控指引 (001): ventilation, disinfection, staff health, capacity."""

SOURCE_SMALL = "区疾控中心“七小场所”经营防控指引（001）"
SOURCE_001 = "关于进一步加强疫情防控工作的通告（2020年2月，001）"

_SMALL = [
    (
        "ventilation",
        "每日开窗通风不少于3次，每次不少于30分钟",
        "Windows opened at least 3 times a day, 30 min each",
    ),
    (
        "disinfection",
        "营业场所、公共物品每日消毒并登记",
        "Premises and shared items disinfected daily and logged",
    ),
    (
        "staff_health",
        "员工每日测温、健康登记，发热者不上岗",
        "Staff temperature and health logged daily; none on duty with fever",
    ),
    ("capacity", "控制店内人数，顾客间距不少于1米", "Customers limited, at least 1 m apart"),
    ("masks", "员工全程佩戴口罩", "Staff wear masks at all times"),
    ("entry_check", "入口测温、扫码登记", "Temperature and code checked at the entrance"),
]
_BUILDING = [
    ("entry_check", "楼宇入口测温、查验、登记", "Temperature checked, pass shown and logged at the entrance"),
    ("two_heads", "双楼长在岗，联系方式公示", "Both heads of the building on duty, contacts posted"),
    ("plan", "一楼一方案、一企一方案已备案", "Building and tenant prevention plans on file"),
    (
        "elevator",
        "电梯、卫生间、会议室定时消毒通风",
        "Lifts, toilets and meeting rooms disinfected and aired",
    ),
    ("onsite_ratio", "人员密集企业到岗率不超过50%", "Dense companies: at most 50% of staff on site"),
    ("canteen", "食堂错峰就餐、分餐", "Canteen: staggered meals, separate portions"),
]
_SITE = [
    ("closed_management", "工地封闭管理，出入登记测温", "Site closed, entries logged and temperatures taken"),
    (
        "dormitory",
        "宿舍人均不少于4平方米，每间不超过6人",
        "Dormitory: at least 4 m² a person, at most 6 a room",
    ),
    ("returnees", "返京人员按规定观察14天", "Returnees observed 14 days as required"),
    ("canteen", "食堂错峰就餐、分餐", "Canteen: staggered meals, separate portions"),
    ("disinfection", "宿舍、食堂、卫生间每日消毒", "Dormitories, canteen and toilets disinfected daily"),
]
_SUPERMARKET = [
    ("capacity", "限流，顾客间距不少于1米", "Customers limited, at least 1 m apart"),
    ("entry_check", "入口测温、扫码登记", "Temperature and code checked at the entrance"),
    ("disinfection", "购物车、收银台定时消毒", "Trolleys and tills disinfected on schedule"),
    ("staff_health", "员工每日健康监测", "Staff health checked daily"),
    ("cold_chain", "进口冷链食品查验记录齐全", "Imported cold-chain goods checked and recorded"),
]
_FACTORY = [
    ("staggered_shifts", "错峰上下班、分批到岗", "Staggered shifts and arrivals"),
    ("staff_health", "员工每日测温、因病缺勤登记", "Staff temperatures and sick absences logged daily"),
    (
        "dormitory",
        "宿舍人均不少于4平方米，每间不超过6人",
        "Dormitory: at least 4 m² a person, at most 6 a room",
    ),
    ("canteen", "食堂错峰就餐、分餐", "Canteen: staggered meals, separate portions"),
    ("ventilation", "车间、宿舍通风消毒", "Workshops and dormitories aired and disinfected"),
]


def _items(rows):
    return [{"key": k, "zh": zh, "en": en} for k, zh, en in rows]


SMALL_TYPES = ("restaurant", "internet_cafe", "hotel", "bath_house", "karaoke", "barber", "convenience_store")

FIRST_VERSIONS = {
    **{t: (_items(_SMALL), SOURCE_SMALL) for t in SMALL_TYPES},
    "office_building": (_items(_BUILDING), SOURCE_001),
    "tenant_company": (_items(_BUILDING), SOURCE_001),
    "construction_site": (_items(_SITE), SOURCE_001),
    "supermarket": (_items(_SUPERMARKET), SOURCE_001),
    "factory": (_items(_FACTORY), SOURCE_001),
}
