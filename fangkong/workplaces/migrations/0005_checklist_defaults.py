"""Version 1 of each workplace type's inspection checklist (data, editable by the district later)."""

from django.db import migrations


def load(apps, schema_editor):
    from fangkong.workplaces.checklists import FIRST_VERSIONS

    Checklist = apps.get_model("workplaces", "Checklist")
    for wtype, (items, source) in FIRST_VERSIONS.items():
        Checklist.objects.get_or_create(workplace_type=wtype, version=1, defaults={"items": items, "source": source})


class Migration(migrations.Migration):
    dependencies = [("workplaces", "0004_report_policies")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
