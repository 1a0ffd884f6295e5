"""Policy keys of the workforce's care and health (issue 20): rest days (轮休, 003) and the duties that need
a recent negative test, with its window."""

import datetime

from django.db import migrations

SH = datetime.timezone(datetime.timedelta(hours=8))

# key, type, unit, zh, en, value, effective_from, source
KEYS = [
    ("workforce.rest.every_days", "int", "天", "每值守天数轮休一天", "One rest day per days on duty", 6,
     "2020-02-10", "要关心关爱社区工作者，落实轮休等必要的保障措施（003）"),
    ("workforce.negative_test.duties", "list", "", "须持核酸阴性证明的岗位", "Duties that need a negative test",
     ["sampling_support", "delivery", "observation_service"], "2020-06-16",
     "服务保障、采样辅助、隔离观察服务人员须持核酸阴性证明"),
    ("workforce.negative_test.days", "int", "天", "下沉人员核酸阴性有效期", "Workers' negative test window", 2,
     "2020-06-16", "须持48小时内核酸阴性证明"),
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
    dependencies = [("policies", "0003_document_policies"), ("workforce", "0004_care_health")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
