import importlib

import pytest


@pytest.fixture
def policies_loaded(db):
    """Policy versions come from data migrations; a transactional (browser) test flushes them, so load
    them again (idempotent)."""
    from django.apps import apps

    for module in (
        "fangkong.policies.migrations.0002_defaults",
        "fangkong.observation.migrations.0002_policies",
        "fangkong.briefing.migrations.0002_policies",
    ):
        importlib.import_module(module).load(apps, None)
