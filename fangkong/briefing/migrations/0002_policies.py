"""Policy keys of the briefing: its cut-off, the meeting time and the red lines of the dashboard."""

import datetime

from django.db import migrations

SH = datetime.timezone(datetime.timedelta(hours=8))

# key, type, unit, zh, en, [(value, effective_from, source)]
KEYS = [
    ("briefing.cutoff", "text", "", "通报数据截止时间", "Briefing figures cut-off (HH:MM, 24:00 = midnight)",
     [("24:00", "2020-01-24", "领导小组会议通报：数据截至前一日24时")]),
    ("briefing.meeting", "text", "", "领导小组会议时间", "Leadership group meeting time",
     [("08:00", "2020-01-24", "领导小组每日8时视频会议")]),
    ("briefing.red_line.reports_missing", "int", "人", "每日健康报告缺报警戒线", "Red line: daily reports missing",
     [(5, "2020-01-24", "领导小组要求：缺报超过5人标红督办")]),
    ("briefing.red_line.site_occupancy", "decimal", "%", "集中观察点入住率警戒线", "Red line: site occupancy",
     [("85", "2020-01-24", "集中观察点入住率超过85%需启用备用点位")]),
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
    dependencies = [("briefing", "0001_initial"), ("policies", "0002_defaults")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
