"""Unpack a hostile .zip or .tar.gz into a folder, writing only regular files and folders.

Nothing here trusts an archive's headers: every decompressed byte is counted as it comes out of the
decompressor, and the limits (entries, total size, compression ratio) are enforced on those counts.
`tarfile.extractall` and `zipfile.extractall` are never used; each regular file is written by
`write_regular_file`, so links, devices and FIFOs cannot be created and no path can leave the folder.
"""

from __future__ import annotations

import gzip
import logging
import lzma
import os
import re
import stat
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import IO, Protocol, cast

from vibe8_core.config import SourceSettings
from vibe8_core.sources.errors import SourceError, megabytes, shown

log = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
# The ratio rule only applies once this much has been unpacked: tiny archives (a tar of one short file
# is a 10 KiB block that gzips to 100 bytes) compress far better than any real project.
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_NAME_COMPONENT_BYTES = 255
# Deeper or longer entry names are not projects but attempts on the file system (and on recursion
# in pathlib's mkdir); real projects stay far below both.
MAX_ENTRY_DEPTH = 64
MAX_ENTRY_NAME_BYTES = 1024
REGULAR_FILE = "regular file"
FOLDER = "folder"
_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_DRIVE_LETTER = re.compile(r"^[A-Za-z]:")
_CONTROL_CHARS = re.compile(r"[\x01-\x1f\x7f]")
# What a malformed archive makes the standard library raise while reading (SourceError, itself a
# ValueError, is re-raised before these are caught).
_ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    struct.error,
    EOFError,
    NotImplementedError,
    OSError,
    ValueError,
    RecursionError,
)
# tarfile reads chained extended headers recursively, so a long chain ends in RecursionError.
_TAR_READ_ERRORS = (tarfile.TarError, zlib.error, EOFError, OSError, ValueError, RecursionError)


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class UnpackBudget:
    """Counts entries and decompressed bytes against the settings; raises SourceError past a limit."""

    def __init__(self, settings: SourceSettings, compressed_bytes: int) -> None:
        self.settings = settings
        self.compressed_bytes = max(compressed_bytes, 1)
        self.entries = 0
        self.unpacked_bytes = 0

    def count_entry(self) -> None:
        self.entries += 1
        if self.entries > self.settings.max_entries:
            raise SourceError(f"The archive has more than {self.settings.max_entries:,} entries, the limit.")

    def count_bytes(self, size: int) -> None:
        self.unpacked_bytes += size
        limit = self.settings.uncompressed_max_bytes
        if self.unpacked_bytes > limit:
            raise SourceError(f"The archive unpacks to more than {megabytes(limit)}, the limit.")
        ratio = self.settings.max_compression_ratio
        if self.unpacked_bytes > RATIO_FLOOR_BYTES and self.unpacked_bytes > ratio * self.compressed_bytes:
            raise SourceError(f"The archive expands more than {ratio} times its size, the compression ratio limit.")


class CountingReader:
    """A file-like reader that charges every byte it returns to an UnpackBudget, in bounded chunks."""

    def __init__(self, raw: _Readable, budget: UnpackBudget) -> None:
        self._raw = raw
        self._budget = budget

    def read(self, size: int = -1, /) -> bytes:
        wanted = CHUNK_BYTES if size is None or size < 0 else min(size, CHUNK_BYTES)
        data = self._raw.read(wanted)
        self._budget.count_bytes(len(data))
        return data


def entry_parts(name: str) -> tuple[str, ...]:
    """The path components of an archive entry name, or SourceError if the name breaks a rule.

    `.` and empty components are dropped (tar archives often start names with `./`); an empty
    result means the entry is the archive's root folder.
    """
    if "\x00" in name:
        _refuse(name, "contains a NUL byte")
    if _CONTROL_CHARS.search(name):
        _refuse(name, "contains a control character")
    if "\\" in name:
        _refuse(name, "contains a backslash")
    if name.startswith("/") or _DRIVE_LETTER.match(name):
        _refuse(name, "has an absolute path")
    parts = tuple(part for part in name.split("/") if part not in ("", "."))
    if ".." in parts:
        _refuse(name, "contains a '..' path component")
    if len(parts) > MAX_ENTRY_DEPTH:
        _refuse(name, f"is nested more than {MAX_ENTRY_DEPTH} folders deep")
    if len(os.fsencode(name)) > MAX_ENTRY_NAME_BYTES:
        _refuse(name, f"has a name longer than {MAX_ENTRY_NAME_BYTES} bytes")
    if any(len(os.fsencode(part)) > MAX_NAME_COMPONENT_BYTES for part in parts):
        _refuse(name, f"has a name component longer than {MAX_NAME_COMPONENT_BYTES} bytes")
    return parts


def is_git_metadata(parts: Iterable[str]) -> bool:
    """True for anything inside (or named) `.git`: uploads never bring their own git folder."""
    return any(part.lower() == ".git" for part in parts)


def extract_zip(data: bytes, dest: Path, settings: SourceSettings) -> None:
    """Unpack a zip archive held in memory into the existing, empty folder `dest`."""
    budget = UnpackBudget(settings, len(data))
    # Each central-directory record starts with this signature, so its count bounds the entries
    # before zipfile parses (and holds in memory) the whole directory.
    if data.count(b"PK\x01\x02") > settings.max_entries:
        raise SourceError(f"The archive has more than {settings.max_entries:,} entries, the limit.")
    with _malformed_is_refused("zip", _ZIP_READ_ERRORS), zipfile.ZipFile(BytesIO(data)) as archive:
        for info in archive.infolist():
            # zipfile cuts names at the first NUL; orig_filename is the raw name.
            open_data = partial(_counted, archive.open, info, budget)
            _unpack_entry(info.orig_filename, _zip_entry_kind(info), open_data, dest, budget)


@contextmanager
def _malformed_is_refused(label: str, errors: tuple[type[Exception], ...]) -> Iterator[None]:
    """Turn what the standard library raises on a malformed archive into one SourceError sentence."""
    try:
        yield
    except SourceError:
        raise
    except errors as exc:
        raise SourceError(f"The upload is not a readable {label} archive ({_reason(exc)}).") from None


def _zip_entry_kind(info: zipfile.ZipInfo) -> str:
    file_type = stat.S_IFMT(info.external_attr >> 16)
    if info.is_dir() or stat.S_ISDIR(file_type):
        return FOLDER
    if file_type and not stat.S_ISREG(file_type):
        return _special_file_rule(file_type)
    if info.flag_bits & 0x1:
        return "is encrypted"
    return REGULAR_FILE


def extract_tar_gz(data: bytes, dest: Path, settings: SourceSettings) -> None:
    """Unpack a gzip-compressed tar archive held in memory into the existing, empty folder `dest`.

    The tar is read as a stream (`r|`) on top of our own counting gzip reader, so the bytes tarfile
    skips (headers, data of refused or dropped members) are counted too.
    """
    budget = UnpackBudget(settings, len(data))
    with (
        _malformed_is_refused(".tar.gz", _TAR_READ_ERRORS),
        gzip.GzipFile(fileobj=BytesIO(data), mode="rb") as unzipped,
        # stream mode only ever reads; typeshed's file type for tarfile also names write, seek and tell
        tarfile.open(fileobj=cast(IO[bytes], CountingReader(unzipped, budget)), mode="r|") as archive,
    ):
        for member in archive:
            # Bytes are counted by the reader under tarfile, so the member data is read as is.
            open_data = partial(_tar_data, archive, member)
            _unpack_entry(member.name, _tar_member_kind(member), open_data, dest, budget)


def _tar_member_kind(member: tarfile.TarInfo) -> str:
    if member.isdir():
        return FOLDER
    # A sparse member's holes come out as zeros that were never compressed, so the byte count under
    # tarfile would not see them: a 2 KB archive could write gigabytes.
    if member.issparse():
        return "is a sparse file"
    if member.isreg():
        return REGULAR_FILE
    if member.islnk():
        return "is a hard link"
    return _special_file_rule(_tar_file_type(member))


@contextmanager
def _counted(
    open_entry: Callable[[zipfile.ZipInfo], IO[bytes]], info: zipfile.ZipInfo, budget: UnpackBudget
) -> Iterator[_Readable]:
    with open_entry(info) as source:
        yield CountingReader(source, budget)


def _unpack_entry(
    name: str,
    kind: str,
    open_data: Callable[[], AbstractContextManager[_Readable]],
    dest: Path,
    budget: UnpackBudget,
) -> None:
    """Write one entry whose kind is REGULAR_FILE or FOLDER; any other kind is the rule it breaks."""
    budget.count_entry()
    parts = entry_parts(name)
    if not parts:
        return
    if is_git_metadata(parts):
        log.debug("dropping uploaded git metadata %r", name)
        return
    if kind == FOLDER:
        _make_folder(dest, parts, name)
    elif kind == REGULAR_FILE:
        with open_data() as source:
            write_regular_file(source, dest, parts, name)
    else:
        _refuse(name, kind)


def _tar_data(archive: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    source = archive.extractfile(member)
    if source is None:  # pragma: no cover - regular members always have data
        raise tarfile.ReadError(f"no data for {member.name!r}")
    return source


def _tar_file_type(member: tarfile.TarInfo) -> int:
    if member.issym():
        return stat.S_IFLNK
    if member.ischr():
        return stat.S_IFCHR
    if member.isblk():
        return stat.S_IFBLK
    if member.isfifo():
        return stat.S_IFIFO
    return 0


def _special_file_rule(file_type: int) -> str:
    if file_type == stat.S_IFLNK:
        return "is a symbolic link"
    if file_type in (stat.S_IFCHR, stat.S_IFBLK):
        return "is a device file"
    if file_type == stat.S_IFIFO:
        return "is a FIFO"
    return "is neither a regular file nor a folder"


def _make_folder(dest: Path, parts: tuple[str, ...], name: str) -> None:
    try:
        dest.joinpath(*parts).mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        _refuse(name, f"could not be written ({exc.strerror or exc.__class__.__name__})")


def write_regular_file(source: _Readable, dest: Path, parts: tuple[str, ...], name: str) -> None:
    """Copy `source` into a new regular file `dest/parts`, never following or replacing anything.

    Only failures to write become SourceError here; errors reading `source` propagate unchanged.
    """
    target = dest.joinpath(*parts)
    if os.path.commonpath([dest, target]) != str(dest):  # pragma: no cover - entry_parts prevents it
        _refuse(name, "would be written outside the project folder")
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(target, _NEW_FILE_FLAGS, 0o600)
    except FileExistsError:
        _refuse(name, "appears twice or clashes with a folder")
    except OSError as exc:
        _refuse(name, f"could not be written ({exc.strerror or exc.__class__.__name__})")
    with os.fdopen(descriptor, "wb") as out:
        while chunk := source.read(CHUNK_BYTES):
            try:
                out.write(chunk)
            except OSError as exc:
                _refuse(name, f"could not be written ({exc.strerror or exc.__class__.__name__})")


def _refuse(name: str, rule: str) -> None:
    raise SourceError(f"The archive was refused because entry {shown(name)} {rule}.")


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().rstrip(".") or exc.__class__.__name__
    return text[:120]
