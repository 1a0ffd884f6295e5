"""Members of a positive pooled tube are counted as people to re-sample (to_retest), not as positives;
members of a negative tube carry its result; the notice lead of a schedule is a policy."""

import datetime

from django.db import migrations, models
from django.db.models import Count, Q

SH = datetime.timezone(datetime.timedelta(hours=8))


def policy(apps, schema_editor):
    Definition = apps.get_model("policies", "PolicyDefinition")
    Policy = apps.get_model("policies", "Policy")
    d, _ = Definition.objects.update_or_create(
        key="screening.notice_minutes",
        defaults={
            "value_type": "int",
            "unit": "分钟",
            "name_zh": "错峰采样提前通知时间",
            "name_en": "Notice before a testing slot",
        },
    )
    Policy.objects.get_or_create(
        definition=d,
        area_path="",
        version=1,
        defaults={
            "value": 30,
            "effective_from": datetime.datetime(2020, 6, 15, tzinfo=SH),
            "source": "错峰分时段采样：提前通知居民按时段到采样点",
        },
    )


def recount(apps, schema_editor):
    TargetPerson = apps.get_model("screening", "TargetPerson")
    Sample = apps.get_model("screening", "Sample")
    CoverageCount = apps.get_model("screening", "CoverageCount")
    negative = Sample.objects.filter(tube__result__result="negative").values("person_id")
    for campaign_id in CoverageCount.objects.values_list("campaign_id", flat=True).distinct():
        TargetPerson.objects.filter(
            campaign_id=campaign_id, result="", person_id__in=negative.filter(campaign_id=campaign_id)
        ).update(result="negative")
        per_building = (
            TargetPerson.objects.filter(campaign_id=campaign_id)
            .values("building_id")
            .annotate(
                flagged=Count("id", filter=Q(result="flagged")),
                positive=Count("id", filter=Q(result="preliminary_positive")),
            )
        )
        for row in per_building:
            CoverageCount.objects.filter(campaign_id=campaign_id, area_id=row["building_id"]).update(
                to_retest=row["flagged"], positive=row["positive"]
            )


class Migration(migrations.Migration):
    dependencies = [("screening", "0003_tube_fillfactor"), ("policies", "0002_defaults")]

    operations = [
        migrations.AddField(
            model_name="coveragecount",
            name="to_retest",
            field=models.PositiveIntegerField(default=0, verbose_name="to re-sample"),
        ),
        migrations.AlterField(
            model_name="coveragecount",
            name="positive",
            field=models.PositiveIntegerField(default=0, verbose_name="preliminary positive"),
        ),
        migrations.RunPython(policy, migrations.RunPython.noop),
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]
