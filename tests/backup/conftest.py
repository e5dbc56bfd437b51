import io
import json
import tarfile
from pathlib import Path

import pytest


@pytest.fixture
def instance(settings, tmp_path, world):
    """The small district with a task and a real evidence photo (original, display copy, thumbnail) stored under
    a MEDIA_ROOT of its own."""
    from tests.factories import running_phase
    from tests.inspections.task_builders import make_task, photo

    settings.MEDIA_ROOT = tmp_path / "media"
    task = make_task(world, running_phase())
    evidence = photo(world.users.inspector, task, lon=116.215, lat=39.845)
    world.task, world.photo, world.media = task, evidence, Path(settings.MEDIA_ROOT)
    return world


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {member.name: tar.extractfile(member).read() for member in tar if member.isfile()}


def repack(archive: Path, target: Path, contents: dict[str, bytes]) -> Path:
    with tarfile.open(target, "w:gz") as tar:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def with_manifest(contents: dict[str, bytes], change) -> dict[str, bytes]:
    manifest = json.loads(contents["manifest.json"])
    change(manifest)
    return {**contents, "manifest.json": json.dumps(manifest).encode()}
