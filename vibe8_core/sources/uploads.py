"""Uploads: one `.py` file or a `.zip` / `.tar.gz` / `.tgz` project archive, checked and unpacked.

`validate_upload` is the cheap check run when the form is submitted; `unpack_upload` runs in the
worker, from nothing but the job's `source_metadata` (the file travels base64-encoded in it).
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import re
import tokenize
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any

from vibe8_core.config import SourceSettings
from vibe8_core.sources.archives import extract_tar_gz, extract_zip, write_regular_file
from vibe8_core.sources.errors import SourceError, megabytes, shown

MAX_FILENAME_BYTES = 255
_UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f/\\]")


class UploadKind(Enum):
    PYTHON = ".py"
    ZIP = ".zip"
    TAR_GZ = ".tar.gz"


_SUFFIXES = (
    (".py", UploadKind.PYTHON),
    (".zip", UploadKind.ZIP),
    (".tar.gz", UploadKind.TAR_GZ),
    (".tgz", UploadKind.TAR_GZ),
)


def upload_kind(filename: str) -> UploadKind:
    """What the upload's name says it is, or SourceError for a name we do not accept."""
    if not filename or _UNSAFE_NAME_CHARS.search(filename) or len(os.fsencode(filename)) > MAX_FILENAME_BYTES:
        raise SourceError("The upload name must be a plain file name without folders or control characters.")
    lowered = filename.lower()
    for suffix, kind in _SUFFIXES:
        if lowered.endswith(suffix) and len(lowered) > len(suffix):
            return kind
    raise SourceError(f"The upload {shown(filename)} is not a .py file, a .zip archive or a .tar.gz/.tgz archive.")


def validate_upload(filename: str, data: bytes, settings: SourceSettings) -> None:
    """Refuse an upload whose name, size or first bytes are wrong, before any job is created."""
    kind = upload_kind(filename)
    if not data:
        raise SourceError("The uploaded file is empty.")
    if len(data) > settings.upload_max_bytes:
        raise SourceError(f"The upload is larger than {megabytes(settings.upload_max_bytes)}, the limit.")
    if kind is UploadKind.ZIP and data[:4] not in (b"PK\x03\x04", b"PK\x05\x06"):
        raise SourceError(f"The upload {shown(filename)} is not a zip archive.")
    if kind is UploadKind.TAR_GZ and data[:2] != b"\x1f\x8b":
        raise SourceError(f"The upload {shown(filename)} is not a gzip-compressed tar archive.")
    if kind is UploadKind.PYTHON and not _is_python_text(data):
        raise SourceError(f"The upload {shown(filename)} is not Python source text.")


def _is_python_text(data: bytes) -> bool:
    """True when the bytes decode the way Python would read them (PEP 263) and hold no NUL byte."""
    if b"\x00" in data:
        return False
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return False
    return True


def decode_upload(metadata: Mapping[str, Any], settings: SourceSettings) -> tuple[str, bytes]:
    """The upload's file name and bytes from a job's source_metadata, validated again."""
    filename = metadata.get("upload_filename")
    encoded = metadata.get("file_data")
    if not isinstance(filename, str) or not isinstance(encoded, str):
        raise SourceError("The job has no uploaded file to analyse.")
    # base64 grows data by 4/3; refuse before decoding anything that could not fit the limit.
    if len(encoded) > (settings.upload_max_bytes + 2) // 3 * 4 + 4:
        raise SourceError(f"The upload is larger than {megabytes(settings.upload_max_bytes)}, the limit.")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SourceError("The uploaded file data is not valid base64.") from None
    validate_upload(filename, data, settings)
    return filename, data


def unpack_upload(metadata: Mapping[str, Any], dest: Path, settings: SourceSettings) -> Path:
    """Write the job's upload into the empty folder `dest`; return the folder to analyse (`dest`).

    Paths inside the archive are kept as they are, so the report shows `project-main/pkg/mod.py`
    for an archive made of a `project-main/` folder.
    """
    filename, data = decode_upload(metadata, settings)
    kind = upload_kind(filename)
    if kind is UploadKind.PYTHON:
        write_regular_file(io.BytesIO(data), dest, (filename,), filename)
        return dest
    if kind is UploadKind.ZIP:
        extract_zip(data, dest, settings)
    else:
        extract_tar_gz(data, dest, settings)
    if not _has_python_file(dest):
        raise SourceError("The archive contains no Python (.py) file.")
    return dest


def _has_python_file(root: Path) -> bool:
    return any(name.lower().endswith(".py") for _, _, files in os.walk(root) for name in files)
