"""Hostile archives built in memory, and the shapes of the fake remotes conftest.py provides."""

from __future__ import annotations

import base64
import gzip
import io
import socket
import stat
import tarfile
import threading
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

PY = b"def answer():\n    return 42\n"


def zip_bytes(entries: Iterable[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of (name, data) regular files; a name ending in '/' is a folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_with_info(info: zipfile.ZipInfo, data: bytes) -> bytes:
    """A zip with one extra entry described by `info` (type bits, flags) next to a Python file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", PY)
        archive.writestr(info, data)
    return buffer.getvalue()


def zip_symlink(name: str, target: str) -> bytes:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return zip_with_info(info, target.encode())


def zip_with_nul_in_name() -> bytes:
    # zipfile cuts names at NUL when writing, so write a placeholder and patch the raw bytes.
    data = zip_bytes([("app.py", PY), ("evilXname.py", PY)])
    return data.replace(b"evilXname.py", b"evil\x00name.py")


def tar_gz_bytes(members: Iterable[tuple[tarfile.TarInfo, bytes]]) -> bytes:
    """A gzip-compressed PAX tar of (TarInfo, data) members; data is ignored for non-regular members."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for info, data in members:
            if info.isreg():
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
            else:
                archive.addfile(info)
    return gzip.compress(raw.getvalue())


def tar_file(name: str, data: bytes = PY, mode: int = 0o644) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.mode = mode
    return info, data


def tar_special(name: str, kind: bytes, linkname: str = "") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info, b""


def tar_gz_sparse_member(real_size: int = 10**10) -> bytes:
    """A GNU sparse member of `real_size` bytes, nearly all hole; tarfile cannot write one."""
    header = bytearray(tarfile.TarInfo("hole.py").tobuf(tarfile.GNU_FORMAT))

    def octal(value: int) -> bytes:
        return b"%011o\0" % value

    header[156:157] = tarfile.GNUTYPE_SPARSE
    header[386:398] = octal(real_size - 512)  # the one data block sits at the very end
    header[398:410] = octal(512)
    header[483:495] = octal(real_size)
    header[148:156] = b" " * 8
    header[148:156] = b"%06o\0 " % sum(header)
    return gzip.compress(bytes(header) + b"x" * 512 + bytes(1024))


def tar_gz_of_files(files: Iterable[tuple[str, bytes]]) -> bytes:
    return tar_gz_bytes(tar_file(name, data) for name, data in files)


def upload_metadata(filename: str, data: bytes) -> dict[str, str]:
    """A job's source_metadata for an upload, as the submit page stores it."""
    return {
        "upload_filename": filename,
        "file_data": base64.b64encode(data).decode("ascii"),
        "project_name": "demo",
        "author_type": "human",
        "author_model": "",
    }


@dataclass(frozen=True)
class Remotes:
    """Bare repositories under `root`, reachable as https://github.com/octo/<name>."""

    root: Path
    main_shas: tuple[str, ...]  # oldest first
    feature_sha: str


@dataclass
class StalledServer:
    """A TCP server that accepts connections and never answers; records when clients hang up."""

    port: int
    accepted: list[socket.socket] = field(default_factory=list)
    closed: threading.Event = field(default_factory=threading.Event)

    @property
    def rewrite(self) -> str:
        """The git_extra_config item that sends https://github.com/ to this server."""
        return f"url.https://127.0.0.1:{self.port}/.insteadOf=https://github.com/"
