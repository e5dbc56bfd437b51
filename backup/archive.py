"""One backup is one tar.gz file: `manifest.json`, the database file and `media/<path>` for every media file.

It is written as `<name>.partial` (readable by its owner only: it holds every account's data) and renamed when
complete, so a backup that stopped half-way never looks like one. The manifest comes last, after the checksums of
what precedes it. Reading accepts regular files and folders with relative paths inside the archive, nothing else."""

import contextlib
import hashlib
import os
import tarfile
import time
import zlib
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from backup.errors import BackupError

MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"


class _HashingReader:
    def __init__(self, handle):
        self.handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        block = self.handle.read(size)
        self.sha256.update(block)
        self.size += len(block)
        return block


class ArchiveWriter:
    def __init__(self, path: Path):
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._file = os.fdopen(descriptor, "wb")
        self._tar = tarfile.open(fileobj=self._file, mode="w:gz", compresslevel=6)  # noqa: SIM115 closed by finish()

    def add_file(self, name: str, source: Path) -> dict:
        """Store `source` as `name`; its size and sha256 as stored (a file still growing is cut at its first size)."""
        with source.open("rb") as handle:
            status = os.fstat(handle.fileno())
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = status.st_size, int(status.st_mtime), 0o600
            reader = _HashingReader(handle)
            self._tar.addfile(info, reader)
        return {"size": reader.size, "sha256": reader.sha256.hexdigest()}

    def add_bytes(self, name: str, data: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
        self._tar.addfile(info, _HashingReader(_BytesReader(data)))

    def finish(self) -> None:
        self._tar.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self.partial, self.path)

    def abandon(self) -> None:
        with contextlib.suppress(Exception):
            self._tar.close()
        with contextlib.suppress(Exception):
            self._file.close()
        self.partial.unlink(missing_ok=True)


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.offset = data, 0

    def read(self, size=-1):
        end = len(self.data) if size < 0 else self.offset + size
        block = self.data[self.offset : end]
        self.offset += len(block)
        return block


def _safe_name(name: str) -> str | None:
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name:
        return None
    return path.as_posix()


def extract(archive: Path, into: Path) -> dict[str, dict]:
    """Unpack `archive` into the folder `into`; the size and sha256 of every file as read from the archive."""
    found: dict[str, dict] = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                name = _safe_name(member.name)
                if name is None or not (member.isfile() or member.isdir()):
                    raise BackupError(
                        _("The archive holds an entry a backup never makes (%(name)s); nothing was restored.")
                        % {"name": member.name}
                    )
                target = into / name
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with tar.extractfile(member) as source, target.open("wb") as out:
                    while block := source.read(1024 * 1024):
                        digest.update(block)
                        out.write(block)
                found[name] = {"size": member.size, "sha256": digest.hexdigest()}
    except FileNotFoundError as error:
        raise BackupError(_("There is no archive at %(path)s.") % {"path": archive}) from error
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(
            _("The archive %(path)s is damaged or incomplete (%(error)s); nothing was restored.")
            % {"path": archive, "error": error}
        ) from error
    return found
