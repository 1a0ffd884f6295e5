import datetime

from django.db import migrations

SH = datetime.timezone(datetime.timedelta(hours=8))


def load(apps, schema_editor):
    from fangkong.policies.defaults import DEFAULTS

    Definition = apps.get_model("policies", "PolicyDefinition")
    Policy = apps.get_model("policies", "Policy")
    for key, vtype, unit, zh, en, versions in DEFAULTS:
        d, _ = Definition.objects.update_or_create(
            key=key, defaults={"value_type": vtype, "unit": unit, "name_zh": zh, "name_en": en}
        )
        starts = [datetime.datetime.fromisoformat(v[1]).replace(tzinfo=SH) for v in versions]
        for i, (value, _start, source) in enumerate(versions):
            Policy.objects.get_or_create(
                definition=d,
                area_path="",
                version=i + 1,
                defaults={
                    "value": value,
                    "effective_from": starts[i],
                    "effective_to": starts[i + 1] if i + 1 < len(starts) else None,
                    "source": source,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
