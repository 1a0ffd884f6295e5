"""Where other apps plug into the investigation.

`workplace_colleagues(person)` lists the people who work with `person`, each with the reason, as
[(Person, "reason text")]. Until a workplaces app with staff lists exists it returns [] — the candidate
search calls it for every case, so the day that app lands its staff lists feed the candidates with no
change here beyond this function's body."""

from __future__ import annotations


def workplace_colleagues(person) -> list[tuple[object, str]]:
    return []
