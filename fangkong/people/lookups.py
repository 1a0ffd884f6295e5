"""How residents are searched (the registry's own search: name, pinyin initials, exact ID or phone)."""

from fangkong.core.choices import register_lookup

from .models import Person
from .selectors import person_search

register_lookup(
    "people.person",
    Person,
    search=person_search,
    label=lambda p: f"{p.name} · {p.id_masked}",
    default=True,
)
