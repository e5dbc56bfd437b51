import pytest
from django.db import transaction


@pytest.fixture(scope="package")
def scene(django_db_setup, django_db_blocker):
    """The scene, built once and rolled back at the end; each test runs in its own savepoint inside it (the `db`
    fixture), so what one request changes is gone before the next."""
    from tests.permissions.scene import build_scene

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_scene()
        transaction.set_rollback(True)


@pytest.fixture
def client_as(scene, db, client):
    """The test client signed in (by session) as one of the scene's people, asking for English."""

    def sign_in(name):
        user = scene.people[name]
        if user is not None:
            client.force_login(user)
        client.cookies["django_language"] = "en"
        return client

    return sign_in
