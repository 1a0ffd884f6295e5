"""Policy keys of printed documents: which disease the letters name, who issues them and on what legal
basis. The platform is disease-agnostic: a new epidemic is a new version of these, not a code change."""

import datetime

from django.db import migrations

SH = datetime.timezone(datetime.timedelta(hours=8))

# key, type, zh, en, value, effective_from, source
KEYS = [
    ("documents.disease", "text", "文书所称疾病", "Disease named in documents", "新冠肺炎", "2020-01-24",
     "国家卫生健康委员会2020年第1号公告：将新型冠状病毒感染的肺炎纳入乙类传染病，采取甲类传染病的预防、控制措施"),
    ("documents.authority", "text", "文书签发机关", "Issuing authority of documents",
     "新冠肺炎疫情防控指挥部", "2020-01-24", "区疫情防控领导小组关于成立疫情防控指挥部的通知"),
    ("documents.legal_basis", "text", "文书法律依据", "Legal basis of documents",
     "《中华人民共和国传染病防治法》和现行防控方案", "2020-01-24",
     "《中华人民共和国传染病防治法》第三十九条、第四十一条"),
]


def load(apps, schema_editor):
    Definition = apps.get_model("policies", "PolicyDefinition")
    Policy = apps.get_model("policies", "Policy")
    for key, vtype, zh, en, value, start, source in KEYS:
        d, _ = Definition.objects.update_or_create(
            key=key, defaults={"value_type": vtype, "unit": "", "name_zh": zh, "name_en": en}
        )
        Policy.objects.get_or_create(
            definition=d, area_path="", version=1,
            defaults={"value": value, "source": source,
                      "effective_from": datetime.datetime.fromisoformat(start).replace(tzinfo=SH)},
        )


class Migration(migrations.Migration):
    dependencies = [("policies", "0002_defaults")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
