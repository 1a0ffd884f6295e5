"""Where other apps plug into the investigation.

`workplace_colleagues(person)` lists the people who work with `person`, each with the reason, as
[(Person, "reason text")]: from the workplaces app's staff lists, the colleagues on the same shift at the
same workplace and those sharing a dormitory room. The candidate search calls it for every case."""

from __future__ import annotations


def workplace_colleagues(person) -> list[tuple[object, str]]:
    from fangkong.workplaces.selectors import workplace_colleagues as from_staff_lists

    return from_staff_lists(person)
