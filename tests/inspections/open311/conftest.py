import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def fresh_limits():
    """The POST limits count in the cache (local memory here): each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def open311():
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def reporting(world):
    """A client system with its key: (client, key)."""
    from inspections.evidence.public_reports import reporting_client_create

    return reporting_client_create(name="随手拍 app")


WEST = {"lat": "39.845", "long": "116.215"}  # the west committee's service area, no other unit's
