"""Policy keys observation needs beyond the shared defaults (values are data, editable as new versions)."""

import datetime

from django.db import migrations

SH = datetime.timezone(datetime.timedelta(hours=8))

# key, type, unit, zh, en, [(value, effective_from, source)]
KEYS = [
    ("observation.risk_area_arrival.days", "int", "天", "中高风险地区来京人员居家观察天数",
     "Risk-area arrival observation days",
     [(14, "2020-06-15", "来自中高风险地区人员14天居家观察（2020年6月）"),
      (7, "2022-06-28", "第九版防控方案：高风险区流入人员7天居家隔离")]),
    ("observation.home.days", "int", "天", "其他居家观察天数", "Other home observation days",
     [(14, "2020-02-01", "居家观察14天（2020年防控方案）")]),
    ("observation.risk_area_arrival.test_days", "list", "", "来京人员检测日", "Arrival test days",
     [(["1", "2", "3"], "2022-04-01", "抵京“三天三检”（000）")]),
]


def load(apps, schema_editor):
    Definition = apps.get_model("policies", "PolicyDefinition")
    Policy = apps.get_model("policies", "Policy")
    for key, vtype, unit, zh, en, versions in KEYS:
        d, _ = Definition.objects.update_or_create(
            key=key, defaults={"value_type": vtype, "unit": unit, "name_zh": zh, "name_en": en}
        )
        starts = [datetime.datetime.fromisoformat(v[1]).replace(tzinfo=SH) for v in versions]
        for i, (value, _start, source) in enumerate(versions):
            Policy.objects.get_or_create(
                definition=d, area_path="", version=i + 1,
                defaults={"value": value, "effective_from": starts[i],
                          "effective_to": starts[i + 1] if i + 1 < len(starts) else None, "source": source},
            )


class Migration(migrations.Migration):
    dependencies = [("observation", "0001_initial"), ("policies", "0002_defaults")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
