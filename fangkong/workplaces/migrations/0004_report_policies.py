"""Policy keys of the daily zero report and the rectification ledger (source: the 通告 of February 2020, 001).
The on-site ratio is the registry's key (workplace.onsite.max_ratio, policies.defaults)."""

import datetime

from django.db import migrations

SH = datetime.timezone(datetime.timedelta(hours=8))
SOURCE_001 = "区疫情防控领导小组：关于进一步加强疫情防控工作的通告（2020年2月，001）"

# key, type, unit, zh, en, value, effective_from, source
KEYS = [
    ("workplace.report_deadline", "time", "", "单位每日零报告截止时间", "Workplace zero report deadline",
     "10:00", "2020-02-10",
     SOURCE_001 + "：督促各单位管好自己的人，建立因病缺勤报告制度（每日零报告，本地做法）"),
    ("workplace.rectify_days", "int", "天", "检查发现问题整改期限", "Days to put an inspection finding right",
     3, "2020-02-10", SOURCE_001 + "：12. 深入开展疫情防控排查整改"),
]


def load(apps, schema_editor):
    Definition = apps.get_model("policies", "PolicyDefinition")
    Policy = apps.get_model("policies", "Policy")
    for key, vtype, unit, zh, en, value, start, source in KEYS:
        d, _ = Definition.objects.get_or_create(
            key=key, defaults={"value_type": vtype, "unit": unit, "name_zh": zh, "name_en": en}
        )
        if Policy.objects.filter(definition=d).exists():
            continue  # another migration (the registry's rules) already gave this key its first version
        Policy.objects.get_or_create(
            definition=d, area_path="", version=1,
            defaults={"value": value, "source": source,
                      "effective_from": datetime.datetime.fromisoformat(start).replace(tzinfo=SH)},
        )


class Migration(migrations.Migration):
    dependencies = [("workplaces", "0003_reports"), ("policies", "0003_document_policies")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
