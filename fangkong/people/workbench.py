"""Residents' lines on the workbench (imports awaiting confirmation, vulnerable visits due) and the
header search's residents (the list's own `person_search`, scoped)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from fangkong.core.workbench import Kind, Search, register_kind, register_search


def find_people(user, q: str):
    from django.urls import reverse

    from . import selectors
    from .models import Person

    qs = selectors.person_search(Person.objects.visible_to(user), q).order_by("name", "id")
    return [
        (p.name, reverse("people:person-detail", args=[p.pk]), f"{p.id_masked} · {p.get_status_display()}")
        for p in qs[:10]
    ]


def register() -> None:
    register_kind(
        Kind(
            "people.imports_preview",
            gettext_noop("Survey imports awaiting confirmation"),
            "people:import-list",
            query={"state": "preview"},
            order=10,
        )
    )
    register_kind(
        Kind(
            "people.visits_due",
            gettext_noop("Vulnerable residents due a visit"),
            "people:ledger",
            query={"visit_due": "true"},
            order=11,
        )
    )
    register_search(Search("people.person", gettext_noop("Residents"), "people.view_person", find_people, 10))
