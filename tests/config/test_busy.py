"""A write that cannot get the database's lock in time answers 503 with Retry-After and a message, never 500."""

import contextlib
import sqlite3

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, connections
from django.test import Client

from inspections.models import Inspection
from mobile_forms.models import SyncRefusal
from tests.databases import file_database
from tests.inspections import conftest as inspection_fixtures

pytestmark = pytest.mark.django_db(transaction=True)

phase = inspection_fixtures.phase
inspection_payload = inspection_fixtures.inspection_payload


@contextlib.contextmanager
def writes_held(path, tables):
    """Another connection holds the write lock until the block ends: SQLite's one lock on the file, or PostgreSQL's
    table locks (reads still pass) with this connection's lock timeout made short."""
    if connection.vendor == "sqlite":
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    holder = connections.create_connection("default")
    with holder.cursor() as cursor, connection.cursor() as own:
        cursor.execute("BEGIN")
        cursor.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")
        own.execute("SET lock_timeout = '200ms'")
        try:
            yield
        finally:
            own.execute("RESET lock_timeout")
            cursor.execute("ROLLBACK")
    holder.close()


def test_a_sync_that_cannot_write_in_time_answers_503_and_stores_nothing(client_for, world, inspection_payload):
    client = client_for(world.users.inspector)
    item = {"type": "inspection", **inspection_payload()}
    body = {"device": "tablet-1", "items": [item]}
    with file_database(timeout=0.2) as path:
        with writes_held(path, [Inspection._meta.db_table]):
            response = client.post("/api/sync/", body, format="json")
        assert response.status_code == 503, response.content
        assert int(response["Retry-After"]) > 0
        assert "try again in a few seconds" in response.json()["detail"]
        assert not Inspection.objects.exists() and not SyncRefusal.objects.exists()

        retried = client.post("/api/sync/", body, format="json")
        assert retried.status_code == 200
        assert retried.json()["results"][0]["status"] == "created"


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "try again in a few seconds"), ("zh-hans", "请几秒钟后重试")],
)
def test_a_page_that_cannot_write_in_time_answers_a_503_page(world, language, message):
    user = world.users.inspector
    with file_database(timeout=0.2) as path:
        sessions = Session.objects.count()
        with writes_held(path, [Session._meta.db_table, type(user)._meta.db_table]):
            response = Client(HTTP_ACCEPT_LANGUAGE=language).post(
                "/accounts/login/", {"username": user.username, "password": "pw"}
            )
        assert response.status_code == 503
        assert int(response["Retry-After"]) > 0
        assert response["Content-Type"].startswith("text/html")
        assert message in response.content.decode()
        assert Session.objects.count() == sessions


def test_a_client_asking_for_json_gets_json(world):
    user = world.users.inspector
    with file_database(timeout=0.2) as path:
        with writes_held(path, [Session._meta.db_table, type(user)._meta.db_table]):
            response = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_ACCEPT="application/json").post(
                "/accounts/login/", {"username": user.username, "password": "pw"}
            )
        assert response.status_code == 503
        assert "try again in a few seconds" in response.json()["detail"]


@pytest.mark.django_db
def test_the_schema_tells_tablets_what_503_means():
    schema = Client().get("/api/schema/?format=json").json()
    assert "Retry-After" in schema["info"]["description"]
    assert "Retry-After" in schema["paths"]["/api/sync/"]["post"]["responses"]["503"]["description"]
