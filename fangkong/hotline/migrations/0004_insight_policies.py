"""Policy keys of the three rates and of 未诉先办 (values are data, editable as new versions).

- hotline.rates.late_response_weight: how much a first response after its deadline counts in the
  response rate (0: not at all, 1: like one in time).
- hotline.rates.basically_satisfied_weight: how much "basically satisfied" counts in the satisfaction
  rate (satisfied counts 1, dissatisfied 0).
- hotline.proactive.window_days / hotline.proactive.threshold: complaints of one community on one
  topic within the window; that many make a proactive task."""

import datetime

from django.db import migrations

SH = datetime.timezone(datetime.timedelta(hours=8))

SRC_RATES = "“接诉即办”以响应率、解决率、满意率考评，有一件办一件，提升群众的满意度（002、004）"
SRC_PROACTIVE = "未诉先办：对反复出现的诉求主动治理，在群众来电之前发现并解决问题（000）"

# key, type, unit, zh, en, value, effective_from, source
KEYS = [
    ("hotline.rates.late_response_weight", "decimal", "", "超时响应计入响应率的权重",
     "Weight of a late response in the response rate", "0", "2020-02-01",
     "超时响应不计为及时响应；" + SRC_RATES),
    ("hotline.rates.basically_satisfied_weight", "decimal", "", "基本满意计入满意率的权重",
     "Weight of 'basically satisfied' in the satisfaction rate", "0.8", "2020-02-01",
     "满意计1，基本满意按权重计，不满意计0；" + SRC_RATES),
    ("hotline.proactive.window_days", "int", "天", "未诉先办统计窗口", "Proactive tasks: window",
     30, "2020-02-01", SRC_PROACTIVE),
    ("hotline.proactive.threshold", "int", "件", "未诉先办立项诉求数", "Proactive tasks: orders needed",
     3, "2020-02-01", "同一社区同一问题在窗口内达到此件数即立项主动治理；" + SRC_PROACTIVE),
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
    dependencies = [("hotline", "0003_insight"), ("policies", "0003_document_policies")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
