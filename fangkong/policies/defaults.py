"""The policy numbers the newspaper seeds quote, with their sources. Loaded by a data migration
(so production starts with them) and editable afterwards as new versions, never in code."""

D = "decimal"
I = "int"  # noqa: E741

# key, type, unit, zh, en, [(value, effective_from, source)]
DEFAULTS = [
    (
        "observation.returnee.days",
        I,
        "天",
        "返京人员居家观察天数",
        "Returnee observation days",
        [(14, "2020-02-01", "返京人员14天居家或集中观察（丰台报 2020-02，001）")],
    ),
    (
        "observation.close_contact.days",
        I,
        "天",
        "密接集中隔离天数",
        "Close contact observation days",
        [
            (14, "2020-02-01", "密接14天集中观察（2020年防控方案）"),
            (5, "2022-06-28", "第九版防控方案：密接“5天集中隔离+3天居家健康监测”"),
        ],
    ),
    (
        "observation.close_contact.home_days",
        I,
        "天",
        "密接居家健康监测天数",
        "Close contact home monitoring days",
        [(0, "2020-02-01", "2020年防控方案"), (3, "2022-06-28", "第九版防控方案")],
    ),
    (
        "observation.secondary_contact.days",
        I,
        "天",
        "次密接观察天数",
        "Secondary contact observation days",
        [(14, "2020-02-01", "2020年防控方案"), (0, "2022-06-28", "第九版防控方案：不再判定次密接")],
    ),
    (
        "observation.health_monitoring.days",
        I,
        "天",
        "健康监测天数",
        "Health monitoring days",
        [(14, "2020-02-01", "2020年防控方案"), (7, "2022-06-28", "第九版防控方案")],
    ),
    (
        "observation.centralized.days",
        I,
        "天",
        "集中观察天数",
        "Centralized observation days",
        [(14, "2020-02-01", "集中观察点（003）")],
    ),
    (
        "observation.test_days",
        "list",
        "",
        "观察期核酸检测日",
        "Observation test days",
        [(["7", "14"], "2020-06-15", "观察期第7天、第14天核酸检测（2020年6月）")],
    ),
    (
        "observation.report.deadline",
        "time",
        "",
        "每日健康报告截止时间",
        "Daily health report deadline",
        [("12:00", "2020-02-01", "社区日报制度（本地做法）")],
    ),
    (
        "care_group.max_members",
        I,
        "人",
        "关爱小组人数上限",
        "Care group size",
        [(6, "2020-02-01", "每一户成立6人关爱小组（石景山报，003）")],
    ),
    (
        "care_group.max_households",
        I,
        "户",
        "同时服务户数上限",
        "Households served at once",
        [(150, "2020-02-01", "最多时同时服务150户（003）")],
    ),
    (
        "gate.temperature.threshold",
        D,
        "℃",
        "体温异常阈值",
        "Fever threshold at the gate",
        [("37.3", "2020-01-25", "大门“验证、测温、扫码、登记”四步（003）")],
    ),
    (
        "gate.pass.validity_days",
        I,
        "天",
        "出入证有效期",
        "Pass validity",
        [(90, "2020-02-10", "凭卡进入（001），社区出入证")],
    ),
    (
        "screening.arrival.tests",
        I,
        "次",
        "来京人员检测次数",
        "Tests for arrivals",
        [(3, "2022-04-01", "抵京“三天三检”（000）")],
    ),
    (
        "screening.arrival.days",
        I,
        "天",
        "来京人员检测天数",
        "Days for arrival tests",
        [(3, "2022-04-01", "抵京“三天三检”（000）")],
    ),
    (
        "workplace.onsite.max_ratio",
        D,
        "",
        "密集企业在岗人数比例上限",
        "Max on-site staff ratio",
        [("0.5", "2020-02-10", "人员密集企业在岗人数不超过50%（001）")],
    ),
    (
        "workplace.dormitory.min_area",
        D,
        "m²",
        "宿舍人均面积下限",
        "Dormitory area per person",
        [("4", "2020-02-10", "宿舍人均不少于4平方米（001）")],
    ),
    (
        "workplace.dormitory.max_per_room",
        I,
        "人",
        "宿舍每间人数上限",
        "Dormitory persons per room",
        [(6, "2020-02-10", "每间不超过6人（001）")],
    ),
    (
        "workplace.underground.min_area",
        D,
        "m²",
        "地下空间人均面积下限",
        "Underground area per person",
        [("5", "2020-02-10", "地下空间人均不少于5平方米（001）")],
    ),
    (
        "workplace.underground.max_per_room",
        I,
        "人",
        "地下空间每间人数上限",
        "Underground persons per room",
        [(2, "2020-02-10", "每间不超过2人，不得使用上下铺（001）")],
    ),
    (
        "support.medicine.delivery_hours",
        I,
        "小时",
        "送药时限",
        "Medicine delivery deadline",
        [(24, "2020-06-13", "问医送药，一般当天送达（002）")],
    ),
    (
        "hotline.response.hours",
        I,
        "小时",
        "12345工单响应时限",
        "Hotline response deadline",
        [(24, "2020-02-01", "接诉即办（002、004）")],
    ),
]


def definition_rows() -> list[dict]:
    return [
        {"key": k, "value_type": t, "unit": u, "name_zh": zh, "name_en": en}
        for k, t, u, zh, en, _versions in DEFAULTS
    ]
