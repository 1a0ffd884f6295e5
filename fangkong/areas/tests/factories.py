from fangkong.areas import services
from fangkong.areas.models import Area, Level, Place
from fangkong.core.testing import register_factory


@register_factory(Area)
def make_area(area):
    return services.area_create(
        actor=None, parent=area.parent, name=f"{area.name}-{Area.objects.count()}", level=Level.HOUSEHOLD
    )


@register_factory(Place)
def make_place(area):
    return services.place_create(
        actor=None, area=area, kind=Place.Kind.SAMPLING_SITE, name=f"采样点{area.pk}"
    )
