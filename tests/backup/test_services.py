"""Backing up the test instance and restoring it in place (through the commands), and the archives a restore
refuses: each refusal names the problem and leaves the database and the media as they were."""

import hashlib
import json
import os
import stat

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from inspections.models import Photo, PhotoFile, Task
from tests.backup.conftest import members, repack, with_manifest

pytestmark = pytest.mark.django_db(transaction=True)


def media_state(root):
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def archive(instance, tmp_path):
    path = tmp_path / "backups" / "wenming.tar.gz"
    call_command("backup", str(path), stdout=open(os.devnull, "w"))  # noqa: SIM115
    return path


def assert_untouched(instance, before_media):
    assert Task.objects.filter(pk=instance.task.pk).exists()
    assert media_state(instance.media) == before_media
    leftovers = [p.name for p in instance.media.parent.iterdir() if ".restore-" in p.name or ".replaced-" in p.name]
    assert leftovers == []


def test_the_manifest_lists_the_database_the_tables_and_every_media_file(instance, archive):
    contents = members(archive)
    manifest = json.loads(contents["manifest.json"])

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert not archive.with_name(archive.name + ".partial").exists()
    assert manifest["database"]["vendor"] == connection.vendor
    database_file = manifest["database"]["file"]
    assert manifest["database"]["sha256"] == hashlib.sha256(contents[database_file]).hexdigest()
    assert manifest["tables"]["inspections_task"]["rows"] == 1
    assert manifest["tables"]["inspections_photo"]["rows"] == 1
    assert ["inspections", "0001_initial"] in manifest["migrations"]
    assert len(manifest["app"]["git_commit"]) == 40
    stored = instance.photo
    files = {stored.file.original.name, stored.display.name, stored.thumbnail.name}
    assert set(manifest["media"]["files"]) == files == {n.removeprefix("media/") for n in contents if "/" in n}
    for name in files:
        expected = hashlib.sha256((instance.media / name).read_bytes()).hexdigest()
        assert manifest["media"]["files"][name]["sha256"] == expected


def test_restore_brings_back_the_rows_and_files_and_drops_what_came_after(instance, archive, capsys):
    before_media = media_state(instance.media)
    photo_file = instance.photo.file.original.name
    Photo.objects.all().delete()
    PhotoFile.objects.all().delete()
    Task.objects.all().delete()
    (instance.media / photo_file).unlink()
    (instance.media / "later.txt").write_text("written after the backup")

    call_command("restore", str(archive))

    assert Task.objects.filter(pk=instance.task.pk).exists()
    assert Photo.objects.filter(pk=instance.photo.pk).exists()
    assert media_state(instance.media) == before_media
    printed = capsys.readouterr().out
    assert "3 media files" in printed and "match the manifest" in printed


def test_a_restore_refuses_an_archive_of_the_other_database(instance, archive, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    changed = with_manifest(members(archive), lambda m: m["database"].update(vendor=other))
    forged = repack(archive, tmp_path / "other.tar.gz", changed)
    before_media = media_state(instance.media)

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(forged))

    archived, configured = ("PostGIS", "SpatiaLite") if other == "postgresql" else ("SpatiaLite", "PostGIS")
    assert str(refused.value) == (
        f"This archive holds a {archived} database but the configured database (DATABASE_URL) is {configured}: "
        f"restore it into a {archived} instance. Nothing was restored."
    )
    assert_untouched(instance, before_media)


def test_a_restore_refuses_an_altered_media_file_by_its_checksum(instance, archive, tmp_path):
    contents = members(archive)
    name = "media/" + instance.photo.display.name
    contents[name] = contents[name][:-1] + b"\x00"
    before_media = media_state(instance.media)

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(repack(archive, tmp_path / "altered.tar.gz", contents)))

    assert str(refused.value) == (
        f"The archive does not match its manifest (altered (checksum differs): {name}); nothing was restored."
    )
    assert_untouched(instance, before_media)


def test_a_restore_refuses_a_missing_file_and_a_file_not_in_the_manifest(instance, archive, tmp_path):
    contents = members(archive)
    missing = "media/" + instance.photo.thumbnail.name
    del contents[missing]
    contents["media/extra.txt"] = b"not backed up"

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(repack(archive, tmp_path / "missing.tar.gz", contents)))

    assert f"missing: {missing}" in str(refused.value)
    assert "not in the manifest: media/extra.txt" in str(refused.value)


def test_a_restore_refuses_an_altered_database_file(instance, archive, tmp_path):
    contents = members(archive)
    name = json.loads(contents["manifest.json"])["database"]["file"]
    contents[name] = contents[name] + b"\x00"

    with pytest.raises(CommandError, match=rf"altered \(checksum differs\): {name}"):
        call_command("restore", str(repack(archive, tmp_path / "db.tar.gz", contents)))


def test_a_restore_refuses_a_truncated_archive_and_changes_nothing(instance, archive, tmp_path):
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    before_media = media_state(instance.media)

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(truncated))

    assert str(refused.value).startswith(f"The archive {truncated} is damaged or incomplete (")
    assert str(refused.value).endswith("); nothing was restored.")
    assert_untouched(instance, before_media)


def test_a_restore_refuses_an_archive_without_manifest_and_a_missing_archive(instance, archive, tmp_path):
    contents = members(archive)
    del contents["manifest.json"]

    with pytest.raises(CommandError, match="The archive has no manifest: it is incomplete or not a backup"):
        call_command("restore", str(repack(archive, tmp_path / "bare.tar.gz", contents)))
    with pytest.raises(CommandError, match="There is no archive at"):
        call_command("restore", str(tmp_path / "nowhere.tar.gz"))


def test_a_restore_refuses_a_database_of_a_newer_version_of_the_code(instance, archive, tmp_path):
    changed = with_manifest(members(archive), lambda m: m["migrations"].append(["inspections", "9999_future"]))

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(repack(archive, tmp_path / "newer.tar.gz", changed)))

    assert "migrations this version of the code does not have (inspections.9999_future)" in str(refused.value)
    assert Task.objects.filter(pk=instance.task.pk).exists()


def test_media_in_object_storage_are_left_to_the_bucket(instance, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}

    with pytest.raises(CommandError, match="use --database-only for the database"):
        call_command("backup", str(tmp_path / "s3.tar.gz"))
    assert not (tmp_path / "s3.tar.gz").exists() and not (tmp_path / "s3.tar.gz.partial").exists()

    call_command("backup", str(tmp_path / "s3.tar.gz"), "--database-only", stdout=open(os.devnull, "w"))  # noqa: SIM115
    manifest = json.loads(members(tmp_path / "s3.tar.gz")["manifest.json"])
    assert manifest["media"] == {"included": False, "root": None, "files": {}, "bytes": 0}
