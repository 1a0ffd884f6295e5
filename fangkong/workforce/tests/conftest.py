import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are compared in English (pages are tested in their own language)."""
    with translation.override("en"):
        yield
