"""How residents are searched (the registry's own search: name, pinyin initials, exact ID or phone)."""

from fangkong.core.choices import register_lookup

from .models import Person, VulnerableEntry
from .selectors import person_search

register_lookup(
    "people.person",
    Person,
    search=person_search,
    label=lambda p: f"{p.name} · {p.id_masked}",
    default=True,
)


def _entry_search(qs, q):
    # The registry's own search over the entry's resident (name, initials, exact ID or phone).
    return qs.filter(person__in=person_search(Person.objects.all(), q))


register_lookup(
    "people.vulnerableentry",
    VulnerableEntry,
    search=_entry_search,
    label=lambda e: f"{e.person.name} · {e.get_category_display()}",
    select_related=("person",),
)
