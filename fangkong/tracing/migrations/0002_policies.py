"""Policy keys of the investigation (values are data, editable as new versions)."""

import datetime

from django.db import migrations

SH = datetime.timezone(datetime.timedelta(hours=8))

# key, type, unit, zh, en, [(value, effective_from, source)]
KEYS = [
    ("tracing.lookback.days", "int", "天", "流调追溯天数（发病或采样前）", "Investigation look-back days",
     [(2, "2020-02-01", "密接判定：病例症状出现前2天（2020年防控方案）"),
      (4, "2022-06-28", "第九版防控方案：病例发病前4天或无症状感染者采样前4天")]),
    ("tracing.copresence.window_minutes", "int", "分钟", "同场所时空伴随窗口", "Co-presence window",
     [(30, "2020-02-01", "本地做法：扫码视为此后30分钟在场")]),
    ("tracing.copresence.min_overlap_minutes", "int", "分钟", "时空伴随最短重叠", "Co-presence minimum overlap",
     [(15, "2020-02-01", "本地做法：同一场所重叠15分钟以上列为候选密接")]),
    ("tracing.transfer.hours", "int", "小时", "阳性感染者转运时限", "Transfer deadline (hours)",
     [(4, "2020-02-01", "应转尽转：阳性感染者4小时内转运（本地做法）")]),
    ("tracing.close_contact.centralized", "bool", "", "密接集中隔离（否则居家）", "Close contacts: centralized (else at home)",
     [(True, "2020-02-01", "密接集中隔离（2020年防控方案；第九版：5天集中隔离）")]),
    ("tracing.secondary_contact.centralized", "bool", "", "次密接集中隔离（否则居家）",
     "Secondary contacts: centralized (else at home)",
     [(False, "2020-02-01", "次密接居家观察（2020年防控方案）")]),
    ("tracing.risk_area.high.observe", "bool", "", "高风险地区来访人员居家观察（否则核酸检测）",
     "High-risk area visitors: observation (else testing)",
     [(True, "2022-06-28", "第九版防控方案：高风险区流入人员7天居家隔离")]),
    ("tracing.risk_area.medium.observe", "bool", "", "中风险地区来访人员居家观察（否则核酸检测）",
     "Medium-risk area visitors: observation (else testing)",
     [(False, "2022-06-28", "第九版防控方案：中风险区流入人员3天2检")]),
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
    dependencies = [("tracing", "0001_initial"), ("policies", "0002_defaults")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
