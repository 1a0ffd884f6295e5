"""Every existing shift gets its worker (issue 20): one registry record (a volunteer, linked to the user)
per user on a shift, in the community of that user's first shift's post. Posts get their hours by kind:
a day post 8–20, a night post 20–8, an underground garage round the clock."""

from django.db import migrations

STEP = 4
HOURS = {"day": (8, 20), "night": (20, 8), "garage": (0, 24)}


def forwards(apps, schema_editor):
    Area = apps.get_model("areas", "Area")
    Post = apps.get_model("gates", "Post")
    PostShift = apps.get_model("gates", "PostShift")
    Worker = apps.get_model("workforce", "Worker")
    User = apps.get_model("accounts", "User")

    for kind, (start, end) in HOURS.items():
        Post.objects.filter(kind=kind).update(start_hour=start, end_hour=end)

    communities = {}

    def team(area_path):
        prefixes = [area_path[:i] for i in range(STEP, len(area_path) + 1, STEP)]
        if area_path not in communities:
            found = Area.objects.filter(path__in=prefixes, level="community").first()
            communities[area_path] = found or Area.objects.get(path=area_path)
        return communities[area_path]

    firsts = {}
    for user_id, area_path in (
        PostShift.objects.filter(worker__isnull=True, volunteer__isnull=False)
        .order_by("start", "id")
        .values_list("volunteer_id", "area_path")
    ):
        firsts.setdefault(user_id, area_path)
    for user_id, area_path in firsts.items():
        worker = Worker.objects.filter(user_id=user_id).first()
        if worker is None:
            user = User.objects.get(pk=user_id)
            area = team(area_path)
            name = f"{user.last_name}{user.first_name}".strip() or user.username
            worker = Worker.objects.create(
                name=name[:50],
                kind="volunteer",
                level="community",
                status="active",
                health_status="healthy",
                user_id=user_id,
                area_id=area.pk,
                area_path=area.path,
                skills=[],
            )
        PostShift.objects.filter(volunteer_id=user_id, worker__isnull=True).update(worker_id=worker.pk)


class Migration(migrations.Migration):
    dependencies = [("gates", "0008_postshift_worker"), ("workforce", "0001_initial"), ("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
