"""Retention periods of personal data (core/retention.py, the daily retention job), with their sources.

PIPL art. 19 sets the rule (no longer than the purpose needs) and art. 47 the deletion once the purpose is
met; the number of days is the district's choice for each purpose, written as the version's source so that
a changed choice is a new version, never a code change."""

import datetime

from django.db import migrations

SH = datetime.timezone(datetime.timedelta(hours=8))
PIPL_19 = "《个人信息保护法》第十九条：保存期限应当为实现处理目的所必要的最短时间"
PIPL_47 = "第四十七条：处理目的已实现的，应当主动删除"
CAC = "中央网信办《关于做好个人信息保护利用大数据支撑联防联控工作的通知》（2020年2月）：仅用于疫情防控"
GBT = "GB/T 35273—2020 6.1 存储时间最小化"

# key, zh, en, days, source (at most 200 characters)
KEYS = [
    ("retention.scans.days", "卡口扫码记录保存天数", "Days gate scans are kept", 28,
     f"{PIPL_19}；{CAC}；本地取值：两个14天观察期，覆盖流调回溯"),
    ("retention.returnee_notices.days", "返乡登记个人信息保存天数", "Days a returnee notice keeps personal data",
     180, f"{PIPL_19}，{PIPL_47}；{CAC}；本地取值：观察期满后半年（复核与申诉）"),
    ("retention.observation.days", "观察与健康报告个人信息保存天数",
     "Days observation records keep personal data after the order ends", 180,
     f"{PIPL_19}，{PIPL_47}；{GBT}；本地取值：解除观察后半年"),
    ("retention.support_requests.days", "封控诉求个人信息保存天数",
     "Days a closed service request keeps personal data", 180,
     f"{PIPL_19}，{PIPL_47}；{GBT}；本地取值：办结后半年"),
    ("retention.hotline_orders.days", "12345工单来电人信息保存天数",
     "Days a closed hotline order keeps the caller's data", 365,
     f"{PIPL_19}，{PIPL_47}；{GBT}；本地取值：办结后一年（三率考核与回访）"),
    ("retention.access_log.days", "个人信息查看记录保存天数", "Days the personal data access log is kept", 1095,
     "《个人信息保护法》第五十六条：处理情况记录应当至少保存三年；《网络安全法》第二十一条：网络日志留存不少于六个月"),
]


def load(apps, schema_editor):
    Definition = apps.get_model("policies", "PolicyDefinition")
    Policy = apps.get_model("policies", "Policy")
    for key, zh, en, days, source in KEYS:
        d, _ = Definition.objects.update_or_create(
            key=key, defaults={"value_type": "int", "unit": "天", "name_zh": zh, "name_en": en}
        )
        Policy.objects.get_or_create(
            definition=d, area_path="", version=1,
            defaults={"value": days, "source": source,
                      "effective_from": datetime.datetime(2021, 11, 1, tzinfo=SH)},  # PIPL in force
        )


class Migration(migrations.Migration):
    dependencies = [("policies", "0003_document_policies")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
