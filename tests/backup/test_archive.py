"""Reading an archive accepts only what a backup writes: regular files and folders at relative paths inside it."""

import io
import tarfile

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def archive_with(path, member: tarfile.TarInfo, data: bytes = b""):
    with tarfile.open(path, "w:gz") as tar:
        tar.addfile(member, io.BytesIO(data) if member.isfile() else None)
    return path


@pytest.mark.parametrize(
    ("name", "kind"),
    [("../outside.txt", tarfile.REGTYPE), ("/etc/cron.d/evil", tarfile.REGTYPE), ("media/link", tarfile.SYMTYPE)],
)
def test_a_restore_refuses_entries_outside_the_archive_or_links(settings, tmp_path, name, kind):
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    member = tarfile.TarInfo(name)
    member.type = kind
    member.size = 4 if kind == tarfile.REGTYPE else 0
    member.linkname = "/etc/passwd" if kind == tarfile.SYMTYPE else ""

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive_with(tmp_path / "evil.tar.gz", member, b"evil")))

    assert str(refused.value) == f"The archive holds an entry a backup never makes ({name}); nothing was restored."
    assert not (tmp_path / "var" / "outside.txt").exists() and not (tmp_path / "outside.txt").exists()
    assert [p.name for p in (tmp_path / "var").iterdir()] == []


def test_a_file_that_is_no_archive_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "notes.tar.gz").write_text("not an archive")

    with pytest.raises(CommandError, match=r"is damaged or incomplete \(.+\); nothing was restored\."):
        call_command("restore", str(tmp_path / "notes.tar.gz"))


def test_the_refusal_reads_in_chinese_under_the_default_language(settings, tmp_path):
    from django.utils import translation

    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("zh-hans"), pytest.raises(CommandError) as refused:
        call_command("restore", str(tmp_path / "nowhere.tar.gz"))

    assert str(refused.value) == f"{tmp_path / 'nowhere.tar.gz'} 处没有归档文件。"
