"""Policy keys of rosters and attendance (轮休): rest and hour limits of the week's roster, the shift length,
and when a check-in counts as late or missing. The seeds ask for rest (003: "关心关爱社区工作者，落实轮休等必要的
保障措施", "多关心慰问基层一线工作人员……落实好轮休政策") but give no numbers: the values here are the community's
working defaults, each a policy version the district may replace."""

import datetime

from django.db import migrations

SH = datetime.timezone(datetime.timedelta(hours=8))

SOURCE = "石景山报 2020-04-13（003）：“关心关爱社区工作者，落实轮休等必要的保障措施”“落实好轮休政策”；数值为社区排班默认值"

# key, type, unit, zh, en, value
KEYS = [
    ("workforce.max_consecutive_days", "int", "天", "连续上岗最多天数（轮休）", "Most days on duty in a row (rest rota)", 6),
    ("workforce.max_hours_per_day", "int", "小时", "24小时内最多上岗小时", "Most hours on duty within 24 hours", 8),
    ("workforce.max_hours_per_week", "int", "小时", "每周最多上岗小时", "Most hours on duty per week", 48),
    ("workforce.min_rest_hours", "int", "小时", "两班之间最少休息小时", "Least rest between two shifts (hours)", 12),
    ("workforce.shift_hours", "int", "小时", "每班时长", "Shift length (hours)", 8),
    ("workforce.late_minutes", "int", "分钟", "迟到判定（开班后分钟）", "Check-in late after (minutes)", 10),
    ("workforce.missed_minutes", "int", "分钟", "未签到提醒（开班后分钟）", "Missed check-in flagged after (minutes)", 30),
]


def load(apps, schema_editor):
    Definition = apps.get_model("policies", "PolicyDefinition")
    Policy = apps.get_model("policies", "Policy")
    for key, vtype, unit, zh, en, value in KEYS:
        d, _ = Definition.objects.update_or_create(
            key=key, defaults={"value_type": vtype, "unit": unit, "name_zh": zh, "name_en": en}
        )
        Policy.objects.get_or_create(
            definition=d,
            area_path="",
            version=1,
            defaults={
                "value": value,
                "source": SOURCE,
                "effective_from": datetime.datetime(2020, 1, 24, tzinfo=SH),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial"), ("policies", "0003_document_policies")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
