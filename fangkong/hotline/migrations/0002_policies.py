"""Policy keys of the hotline's deadlines beyond the shared `hotline.response.hours` (values are data,
editable as new versions). Resolution days by category: `hotline.resolution.days.<category>` overrides
`hotline.resolution.days` where present."""

import datetime

from django.db import migrations

SH = datetime.timezone(datetime.timedelta(hours=8))

SRC_004 = "主动解决12345市民服务热线“接诉即办”关于疫情防控方面的诉求，有一件办一件，提升群众的满意度（004）"
SRC_002 = "用好12345市民热线平台，进一步做好群众的宣传教育和引导工作（002）"

# key, type, unit, zh, en, value, effective_from, source
KEYS = [
    ("hotline.urgent.response.hours", "int", "小时", "12345紧急工单响应时限", "Hotline urgent response deadline",
     2, "2020-02-01", "紧急诉求立即响应；" + SRC_004),
    ("hotline.resolution.days", "int", "天", "12345工单办结时限", "Hotline resolution deadline",
     7, "2020-02-01", "一般诉求7日内办结答复；" + SRC_002),
    ("hotline.urgent.resolution.days", "int", "天", "12345紧急工单办结时限", "Hotline urgent resolution deadline",
     1, "2020-02-01", "紧急诉求当日办结；" + SRC_004),
    ("hotline.resolution.days.epidemic", "int", "天", "疫情防控类工单办结时限",
     "Hotline resolution deadline: epidemic prevention", 3, "2020-02-01", "疫情防控诉求优先办理；" + SRC_004),
    ("hotline.resolution.days.medical", "int", "天", "就医类工单办结时限",
     "Hotline resolution deadline: medical care", 1, "2020-02-01", "就医诉求当日办结；" + SRC_004),
    ("hotline.resolution.days.supplies", "int", "天", "物资保障类工单办结时限",
     "Hotline resolution deadline: supplies", 2, "2020-02-01", "生活物资诉求优先保障；" + SRC_004),
    ("hotline.due_soon.hours", "int", "小时", "12345工单临期提醒", "Hotline about-to-be-overdue warning",
     4, "2020-02-01", "临期工单提前提醒，按期办结；" + SRC_004),
    ("hotline.pause.statuses", "list", "", "12345工单可暂停计时的状态", "Hotline statuses that pause the clock",
     ["waiting_caller"], "2020-02-01", "仅在等待诉求人补充材料或约定时间期间暂停计时；" + SRC_002),
]


def load(apps, schema_editor):
    Definition = apps.get_model("policies", "PolicyDefinition")
    Policy = apps.get_model("policies", "Policy")
    for key, vtype, unit, zh, en, value, start, source in KEYS:
        d, _ = Definition.objects.update_or_create(
            key=key, defaults={"value_type": vtype, "unit": unit, "name_zh": zh, "name_en": en}
        )
        Policy.objects.get_or_create(
            definition=d, area_path="", version=1,
            defaults={"value": value, "source": source,
                      "effective_from": datetime.datetime.fromisoformat(start).replace(tzinfo=SH)},
        )


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial"), ("policies", "0003_document_policies")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
