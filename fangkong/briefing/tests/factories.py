"""Leak-test factories for the briefing (direct inserts; the services are tested on their own)."""

import datetime
import itertools

from django.utils import timezone

from fangkong.core.testing import register_factory
from fangkong.people.selectors import community_of

from ..models import Briefing, FigureValue, Item

_n = itertools.count(1)


@register_factory(Briefing)
def make_briefing(area, **extra):
    community = community_of(area)
    day = timezone.localdate() - datetime.timedelta(days=next(_n))
    fields = {"area": community, "date": day, "as_of": timezone.now(), "sections": ["observation"], **extra}
    return Briefing.objects.create(**fields)


@register_factory(FigureValue)
def make_figure_value(area, **extra):
    community = community_of(area)
    briefing = extra.pop("briefing", None) or make_briefing(area)
    fields = {
        "briefing": briefing,
        "date": briefing.date,
        "key": "observation.running",
        "area": community,
        "level": FigureValue.Level.COMMUNITY,
        "value": 7,
        **extra,
    }
    return FigureValue.objects.create(**fields)


@register_factory(Item)
def make_item(area, **extra):
    community = community_of(area)
    fields = {
        "briefing": extra.pop("briefing", None) or make_briefing(area),
        "kind": Item.Kind.TASK,
        "text": "核查观察点入住率",
        "area": community,
        "deadline": timezone.localdate() + datetime.timedelta(days=2),
        **extra,
    }
    return Item.objects.create(**fields)
