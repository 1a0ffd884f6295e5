"""Policy keys of mass testing (values are data, editable as new versions; see screening/policy.py)."""

import datetime

from django.db import migrations

SH = datetime.timezone(datetime.timedelta(hours=8))

# key, type, unit, zh, en, [(value, effective_from, source)]
KEYS = [
    ("screening.pooled", "bool", "", "核酸检测混采（否则单管单采）", "Pooled testing (otherwise single tubes)",
     [(True, "2020-06-15", "北京市大规模核酸检测采用10合1混采（2020年6月）")]),
    ("screening.pool_size", "int", "人/管", "混采每管人数", "People per pooled tube",
     [(10, "2020-06-15", "10合1混采（2020年6月）")]),
    ("screening.observation_single", "bool", "", "管控人员单人单管", "People under observation one per tube",
     [(True, "2020-06-15", "隔离观察人员单人单管采样")]),
    ("screening.sealed_household", "bool", "", "封控小区一户一管", "Sealed compound: one household per tube",
     [(False, "2020-06-15", "封控区按户混采，由现场确定")]),
    ("screening.antigen_counts", "bool", "", "抗原自测计入筛查", "Antigen self-tests count toward a campaign",
     [(False, "2020-06-15", "核酸为准"),
      (True, "2022-03-11", "新冠病毒抗原检测应用方案（试行）：抗原自测结果上报")]),
    ("screening.site_people", "int", "人/点", "每个采样点服务人数", "People per sampling site",
     [(3000, "2020-06-15", "每2000–3000人设置一个采样点")]),
    ("screening.lane_people_day", "int", "人/天", "每个采样台每日采样人数", "People per lane per day",
     [(800, "2020-06-15", "每个采样台每日600–800人")]),
    ("screening.lane_per_hour", "int", "人/小时", "每个采样台每小时采样人数", "People per lane per hour",
     [(60, "2020-06-15", "每个采样台约60人/小时")]),
    ("screening.finish_hours", "int", "小时", "区域核酸检测完成时限", "Hours to finish the designated area",
     [(24, "2022-06-28", "区域核酸检测24小时内完成（2022年指南）")]),
    ("screening.pool_positive_status", "text", "", "混管阳性人员管控状态", "Status of members of a positive pool",
     [("home_observation", "2020-06-15", "混管阳性人员就地管控，单采复核")]),
    ("screening.transfer_hours", "int", "小时", "初筛阳性转运时限", "Hours to transfer a preliminary positive",
     [(2, "2022-04-01", "初筛阳性人员应转尽转（000），2小时内转运")]),
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
    dependencies = [("screening", "0001_initial"), ("policies", "0002_defaults")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
