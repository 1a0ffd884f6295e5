"""Policy keys of the support app (values are data, editable as new versions)."""

import datetime

from django.db import migrations

SH = datetime.timezone(datetime.timedelta(hours=8))
SRC = "天伦锦城问医送药热线：一般当天送达（002，2020年6月）"
FROM = "2020-06-13"

# key, type, unit, zh, en, [(value, effective_from, source)]
KEYS = [
    ("support.deadline_hours.medicine", "int", "小时", "送药时限（0=当天送达）", "Medicine deadline (0 = same day)",
     [(0, FROM, SRC)]),
    ("support.deadline_hours.groceries", "int", "小时", "送菜代购时限", "Groceries deadline",
     [(24, FROM, "封闭管理服务保障：蔬菜包次日送达（002）")]),
    ("support.deadline_hours.parcels", "int", "小时", "快递送达时限", "Parcels deadline",
     [(24, FROM, "封闭管理：快递由卡口转送到户（002）")]),
    ("support.deadline_hours.rubbish", "int", "小时", "垃圾清运时限", "Rubbish pick-up deadline",
     [(12, FROM, "封闭管理：消杀保洁组每日清运（002）")]),
    ("support.deadline_hours.psychological", "int", "小时", "心理疏导响应时限", "Psychological support deadline",
     [(24, FROM, "封闭管理：诉求保障组（002）")]),
    ("support.deadline_hours.urgent_medical", "int", "小时", "紧急就医响应时限", "Urgent medical deadline",
     [(1, FROM, "封闭管理：紧急就医立即上报社区值班电话（002）")]),
    ("support.deadline_hours.other", "int", "小时", "其他诉求时限", "Other requests deadline",
     [(48, FROM, "接诉即办（002）")]),
    ("support.team.negative_days", "int", "天", "服务队员核酸阴性有效期", "Team member negative test window",
     [(2, FROM, "服务保障人员须持48小时内核酸阴性证明")]),
    ("support.escalation.urgent_targets", "list", "", "紧急就医上报对象", "Urgent medical escalates to",
     [(["duty_phone", "medical_lead"], FROM, "紧急就医：社区值班电话、医疗负责人（002）")]),
    ("support.escalation.overdue_targets", "list", "", "超时诉求上报对象", "Overdue requests escalate to",
     [(["team_lead"], FROM, "超时未办：报服务队队长")]),
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
    dependencies = [("support", "0001_initial"), ("policies", "0002_defaults")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
