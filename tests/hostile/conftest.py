"""The scene every hostile case refers to, built once per module inside a transaction that is rolled back at the
end; each case runs in its own savepoint (pytest-django's per-test transaction nests inside), so a case sees the
scene exactly as built. Its media files live in a folder of the module's own, listed before and after each case."""

import io
import uuid
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import override_settings

from inspections.evidence.uploads import Chunk, ContentRange, photo_chunk_append
from inspections.models import PhotoRole
from inspections.rectification.tasks import MoveInput, task_transition
from tests.conftest import make_world as build_world
from tests.factories import running_phase
from tests.inspections.conftest import inspection_body, photo_bytes
from tests.inspections.task_builders import make_task, photo


def build_scene():
    """The test world, a running phase, a task of the west committee (dispatched) with its finding and a
    before-photo, a task of the east committee (accepted, by a move with a client id), an upload half received,
    and a valid inspection body to spoil."""
    world = build_world()
    phase = running_phase()
    task = make_task(world, phase)
    finding = task.finding
    stored = photo(world.users.inspector, task, lon=116.2150, lat=39.8450, seed=3)
    data = photo_bytes(seed=4)
    half = uuid.uuid4()
    photo_chunk_append(
        user=world.users.inspector,
        chunk=Chunk(
            photo_id=half,
            inspection=finding.inspection,
            finding=finding,
            role=PhotoRole.BEFORE,
            range=ContentRange(start=0, end=len(data) // 2 - 1, total=len(data)),
            data=data[: len(data) // 2],
        ),
    )
    east_task = make_task(world, phase, lon=116.232, lat=39.843)
    accepted = MoveInput(action="accept", client_id=uuid.uuid4())
    task_transition(user=world.users.east_rectifier, task_id=east_task.pk, data=accepted)
    return SimpleNamespace(
        world=world,
        phase=phase,
        task=task,
        east_task=east_task,
        east_accept_id=accepted.client_id,
        finding=finding,
        photo=stored,
        half=SimpleNamespace(id=half, data=data),
        inspection_payload=inspection_body(world, phase),
    )


@pytest.fixture(scope="module")
def built_scene(django_db_setup, django_db_blocker, tmp_path_factory):
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), media, transaction.atomic():
        yield build_scene()
        transaction.set_rollback(True)


@pytest.fixture
def scene(built_scene, db):
    """The module's scene, for one case (in the case's own savepoint)."""
    for name in ("task", "east_task", "finding", "photo"):
        getattr(built_scene, name).refresh_from_db()
    return built_scene


def as_upload(data: bytes, name: str = "photo.jpg"):
    handle = io.BytesIO(data)
    handle.name = name
    return handle
