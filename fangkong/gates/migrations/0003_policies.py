"""Gate policies: who is turned back or referred, risk areas, the returnee observation conditions and
the public-page rate limit. Values are editable policy versions afterwards, never code."""

import datetime

from django.db import migrations

SH = datetime.timezone(datetime.timedelta(hours=8))

# key, type, unit, zh, en, value, effective_from, source
GATE_POLICIES = [
    ("gate.deny.statuses", "list", "", "大门劝返的人员状态", "Person statuses turned back at the gate",
     ["home_observation", "centralized_observation", "close_contact", "preliminary_positive", "confirmed",
      "returnee_pending"],
     "2020-02-01", "居家观察、密接、初筛阳性、确诊人员不得出入；返京人员未经核查不得入内（001、003）"),
    ("gate.refer.statuses", "list", "", "大门需复核的人员状态", "Person statuses referred at the gate",
     ["secondary_contact"], "2020-02-01", "次密接人员出入需社区复核（本地做法）"),
    ("gate.risk_areas", "list", "", "中高风险地区", "Risk areas (travel from them is referred)",
     ["湖北", "武汉"], "2020-02-01", "来自疫情重点地区人员登记复核（2020年2月）"),
    ("returnee.observation.conditions", "list", "", "居家观察条件", "Home observation conditions",
     ["独门独户或独立楼栋", "独立房间", "独立卫生间", "有人送餐"], "2020-02-01",
     "居家观察条件：独立房间、独立卫生间、有人送餐（001）"),
    ("gate.public.rate_limit", "int", "次/分钟", "公开页面每分钟请求上限", "Public page requests per minute",
     30, "2020-02-01", "防止滥用的访问频率限制（本地做法）"),
]


def load(apps, schema_editor):
    Definition = apps.get_model("policies", "PolicyDefinition")
    Policy = apps.get_model("policies", "Policy")
    for key, vtype, unit, zh, en, value, start, source in GATE_POLICIES:
        d, _ = Definition.objects.update_or_create(
            key=key, defaults={"value_type": vtype, "unit": unit, "name_zh": zh, "name_en": en}
        )
        Policy.objects.get_or_create(
            definition=d, area_path="", version=1,
            defaults={"value": value, "effective_from": datetime.datetime.fromisoformat(start).replace(tzinfo=SH),
                      "source": source},
        )


def unload(apps, schema_editor):
    Definition = apps.get_model("policies", "PolicyDefinition")
    Policy = apps.get_model("policies", "Policy")
    keys = [p[0] for p in GATE_POLICIES]
    Policy.objects.filter(definition__key__in=keys).delete()
    Definition.objects.filter(key__in=keys).delete()


class Migration(migrations.Migration):
    dependencies = [("gates", "0002_scanevent"), ("policies", "0002_defaults")]
    operations = [migrations.RunPython(load, unload)]
