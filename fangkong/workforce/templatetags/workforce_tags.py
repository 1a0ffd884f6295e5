"""`{% on_duty place %}`: who is checked in at a place's posts now (the gate page shows it)."""

from django import template

register = template.Library()


@register.inclusion_tag("workforce/_on_duty.html")
def on_duty(place=None, post=None):
    from fangkong.workforce import selectors

    return {"on_duty": selectors.on_duty(place=place, post=post)}
