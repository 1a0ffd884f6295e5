import importlib

import pytest


@pytest.fixture
def policies_loaded(db):
    """Policy versions come from data migrations; a transactional (browser) test flushes them."""
    from django.apps import apps

    for module in ("fangkong.policies.migrations.0002_defaults", "fangkong.hotline.migrations.0002_policies"):
        importlib.import_module(module).load(apps, None)


@pytest.fixture
def hl(tree, make_user):
    """Units and users of street 1: the street office's coordinator, community A's worker (a member of
    A's unit), a district department with its clerk, the district's hotline operator."""
    from types import SimpleNamespace

    from fangkong.hotline.models import Unit

    street_user = make_user("street_coordinator", tree.street1)
    worker_a = make_user("community_worker", tree.a.community)
    worker_b = make_user("community_worker", tree.b.community)
    clerk = make_user("hotline_department", tree.district)
    operator = make_user("hotline_operator", tree.district)
    unit_a = Unit.objects.create(area=tree.a.community, name="镇国寺社区居委会", kind=Unit.Kind.COMMUNITY)
    unit_a.members.add(worker_a)
    unit_b = Unit.objects.create(area=tree.b.community, name="宛平城社区居委会", kind=Unit.Kind.COMMUNITY)
    unit_b.members.add(worker_b)
    unit_c = Unit.objects.create(area=tree.c.community, name="角门东里社区居委会", kind=Unit.Kind.COMMUNITY)
    dept = Unit.objects.create(area=tree.district, name="区人力社保局", kind=Unit.Kind.DEPARTMENT)
    dept.members.add(clerk)
    return SimpleNamespace(
        street=street_user,
        worker_a=worker_a,
        worker_b=worker_b,
        clerk=clerk,
        operator=operator,
        unit_a=unit_a,
        unit_b=unit_b,
        unit_c=unit_c,
        dept=dept,
    )
