"""Leak-test factories for the registry (direct inserts: the registry's services are tested on their own)."""

import itertools

from django.utils import timezone
from faker import Faker

from fangkong.core import crypto
from fangkong.core.identity import mask_id
from fangkong.core.testing import register_factory
from fangkong.people.models import ImportBatch, Person, PersonStatus, StatusChange, Visit, VulnerableEntry

_fake = Faker("zh_CN")
_fake.seed_instance(7)
_counter = itertools.count(1)


def make_person(area, **extra):
    number = _fake.ssn()
    while Person.objects.filter(id_hash=crypto.blind_index(number, kind="id")).exists():
        number = _fake.ssn()
    fields = {
        "name": _fake.name(),
        "id_number_enc": crypto.encrypt(number),
        "id_hash": crypto.blind_index(number, kind="id"),
        "id_masked": mask_id(number),
        **extra,
    }
    return Person.objects.create(area=area, **fields)


register_factory(Person)(make_person)


@register_factory(StatusChange)
def make_status_change(area):
    p = make_person(area)
    return StatusChange.objects.create(
        area=area, person=p, status=PersonStatus.HOME_OBSERVATION, since=timezone.now(), reason="test"
    )


@register_factory(VulnerableEntry)
def make_entry(area):
    return VulnerableEntry.objects.create(
        area=area, person=make_person(area), category=VulnerableEntry.Category.ELDERLY_ALONE
    )


@register_factory(Visit)
def make_visit(area):
    return Visit.objects.create(
        area=area,
        entry=make_entry(area),
        date=timezone.localdate(),
        channel=Visit.Channel.PHONE,
        findings="ok",
    )


@register_factory(ImportBatch)
def make_import_batch(area):
    return ImportBatch.objects.create(area=area, filename="摸排.csv", content=b"", sha256="0" * 64)
