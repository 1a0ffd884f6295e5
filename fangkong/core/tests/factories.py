from fangkong.areas.models import Place
from fangkong.core.audit import record, record_access
from fangkong.core.models import ChangeLog, SensitiveAccess
from fangkong.core.testing import register_factory


@register_factory(ChangeLog)
def make_changelog(area):
    place = Place.objects.create(area=area, kind=Place.Kind.GATE, name=f"门{area.pk}")
    return record(place, ChangeLog.Action.CREATE)


@register_factory(SensitiveAccess)
def make_access(area):
    from fangkong.accounts.models import User

    user = User.objects.create(username=f"reader-{area.pk}-{User.objects.count()}")
    place = Place.objects.create(area=area, kind=Place.Kind.GATE, name=f"门{area.pk}")
    return record_access(actor=user, instance=place, field="id_number", reason="test")
