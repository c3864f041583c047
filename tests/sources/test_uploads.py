"""Uploads: every hostile archive is refused with one sentence, and nothing survives the workspace."""

from __future__ import annotations

import gzip
import io
import stat
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from tests.sources.builders import (
    PY,
    tar_file,
    tar_gz_bytes,
    tar_gz_of_files,
    tar_gz_sparse_member,
    tar_special,
    upload_metadata,
    zip_bytes,
    zip_symlink,
    zip_with_info,
    zip_with_nul_in_name,
)
from vibe8_core.config import SourceSettings
from vibe8_core.sources import SourceError, prepared_source, validate_upload

MB = 1024 * 1024


def assert_one_sentence(message: str) -> None:
    assert message.endswith("."), message
    assert "\n" not in message and len(message) < 250, message
    assert message[0].isupper(), message


def files_under(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if not path.is_dir()}


def tar_bomb_with_lying_gzip_size() -> bytes:
    data = tar_gz_of_files([("app.py", PY), ("zeros.py", bytes(5 * MB))])
    # The gzip trailer's ISIZE field claims 1 KiB; only counting while decompressing catches this.
    return data[:-4] + (1024).to_bytes(4, "little")


def tar_with_header_chain(length: int = 3000) -> bytes:
    """Extended headers chained before one member: tarfile follows such chains recursively."""
    raw = io.BytesIO()
    record = b"16 comment=hell\n"
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for _ in range(length):
            header = tarfile.TarInfo("header")
            header.type, header.size = tarfile.XHDTYPE, len(record)
            archive.addfile(header, io.BytesIO(record))
        archive.addfile(*tar_file("app.py"))
    return gzip.compress(raw.getvalue())


def encrypted_zip() -> bytes:
    # zipfile cannot write encrypted entries; set the "encrypted" flag bit in both headers instead.
    data = bytearray(zip_bytes([("secret.py", PY)], compression=zipfile.ZIP_STORED))
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.index(signature) + flag_offset] |= 0x1
    return bytes(data)


# (id, upload name, archive builder, settings changes, words the refusal must contain)
HOSTILE_UPLOADS: list[tuple[str, str, Callable[[], bytes], dict[str, int], str]] = [
    ("zip-slip", "p.zip", lambda: zip_bytes([("app.py", PY), ("../../../../escaped.py", PY)]), {}, "'..'"),
    ("zip-slip-inner", "p.zip", lambda: zip_bytes([("a/../../escaped.py", PY)]), {}, "'..'"),
    ("tar-slip", "p.tgz", lambda: tar_gz_of_files([("app.py", PY), ("../escaped.py", PY)]), {}, "'..'"),
    ("zip-absolute", "p.zip", lambda: zip_bytes([("/tmp/escaped.py", PY)]), {}, "absolute path"),
    ("tar-absolute", "p.tar.gz", lambda: tar_gz_of_files([("/tmp/escaped.py", PY)]), {}, "absolute path"),
    ("zip-drive", "p.zip", lambda: zip_bytes([("C:/escaped.py", PY)]), {}, "absolute path"),
    ("zip-backslash", "p.zip", lambda: zip_bytes([("..\\escaped.py", PY)]), {}, "backslash"),
    ("tar-backslash", "p.tgz", lambda: tar_gz_of_files([("src\\app.py", PY)]), {}, "backslash"),
    ("zip-nul", "p.zip", zip_with_nul_in_name, {}, "NUL byte"),
    ("tar-nul", "p.tgz", lambda: tar_gz_of_files([("x" * 120 + "\x00.py", PY)]), {}, "NUL byte"),
    ("tar-control", "p.tgz", lambda: tar_gz_of_files([("a\nb.py", PY)]), {}, "control character"),
    ("zip-symlink", "p.zip", lambda: zip_symlink("leak.py", "/etc/passwd"), {}, "symbolic link"),
    (
        "tar-symlink",
        "p.tgz",
        lambda: tar_gz_bytes([tar_file("app.py"), tar_special("leak.py", tarfile.SYMTYPE, "/etc/passwd")]),
        {},
        "symbolic link",
    ),
    (
        "tar-hardlink",
        "p.tgz",
        lambda: tar_gz_bytes([tar_file("app.py"), tar_special("leak.py", tarfile.LNKTYPE, "/etc/passwd")]),
        {},
        "hard link",
    ),
    (
        "tar-char-device",
        "p.tgz",
        lambda: tar_gz_bytes([tar_special("null", tarfile.CHRTYPE)]),
        {},
        "device file",
    ),
    (
        "tar-block-device",
        "p.tgz",
        lambda: tar_gz_bytes([tar_special("sda", tarfile.BLKTYPE)]),
        {},
        "device file",
    ),
    ("tar-sparse", "p.tgz", tar_gz_sparse_member, {}, "sparse file"),
    ("tar-fifo", "p.tgz", lambda: tar_gz_bytes([tar_special("pipe", tarfile.FIFOTYPE)]), {}, "FIFO"),
    (
        "zip-bomb",
        "p.zip",
        lambda: zip_bytes([(f"zeros_{index}.py", bytes(2 * MB)) for index in range(3)]),
        {"uncompressed_max_bytes": 4 * MB, "max_compression_ratio": 1_000_000},
        "unpacks to more than 4 MB",
    ),
    (
        "tar-bomb",
        "p.tgz",
        tar_bomb_with_lying_gzip_size,
        {"uncompressed_max_bytes": 1 * MB, "max_compression_ratio": 1_000_000},
        "unpacks to more than 1 MB",
    ),
    ("zip-ratio", "p.zip", lambda: zip_bytes([("zeros.py", bytes(2 * MB))]), {}, "compression ratio"),
    ("tar-ratio", "p.tgz", lambda: tar_gz_of_files([("zeros.py", bytes(2 * MB))]), {}, "compression ratio"),
    (
        "zip-entries",
        "p.zip",
        lambda: zip_bytes([(f"m{index}.py", PY) for index in range(30)]),
        {"max_entries": 20},
        "more than 20 entries",
    ),
    (
        "tar-entries",
        "p.tgz",
        lambda: tar_gz_of_files([(f"m{index}.py", PY) for index in range(30)]),
        {"max_entries": 20},
        "more than 20 entries",
    ),
    ("tar-header-chain", "p.tgz", tar_with_header_chain, {}, "not a readable .tar.gz"),
    (
        "zip-deep",
        "p.zip",
        lambda: zip_bytes([("a/" * 1500 + "deep.py", PY)]),
        {},
        "more than 64 folders deep",
    ),
    (
        "zip-long-name",
        "p.zip",
        lambda: zip_bytes([("abcdefghijklmnopqrst/" * 50 + "x.py", PY)]),
        {},
        "longer than 1024",
    ),
    ("tar-long-part", "p.tgz", lambda: tar_gz_of_files([("x" * 300 + ".py", PY)]), {}, "longer than 255"),
    (
        "zip-duplicate",
        "p.zip",
        lambda: zip_bytes([("app.py", PY), ("bpp.py", PY)]).replace(b"bpp.py", b"app.py"),
        {},
        "appears twice",
    ),
    ("zip-encrypted", "p.zip", encrypted_zip, {}, "encrypted"),
    ("zip-truncated", "p.zip", lambda: zip_bytes([("app.py", PY * 50)])[:60], {}, "not a readable zip"),
    (
        "tgz-not-tar",
        "p.tgz",
        lambda: gzip.compress(b"print('not a tar')\n" * 40),
        {},
        "not a readable .tar.gz",
    ),
    ("tgz-truncated", "p.tgz", lambda: tar_gz_of_files([("app.py", PY)])[:30], {}, "not a readable .tar.gz"),
    ("zip-not-zip", "p.zip", lambda: b"print('hello')\n", {}, "is not a zip archive"),
    ("tgz-not-gzip", "p.tgz", lambda: b"print('hello')\n", {}, "not a gzip-compressed tar"),
    ("empty", "p.zip", lambda: b"", {}, "empty"),
    ("zip-no-python", "p.zip", lambda: zip_bytes([("README.md", b"# hi\n")]), {}, "no Python"),
    ("tar-no-python", "p.tgz", lambda: tar_gz_of_files([("notes.txt", b"hi\n")]), {}, "no Python"),
    ("zip-only-git", "p.zip", lambda: zip_bytes([(".git/hooks/x.py", PY)]), {}, "no Python"),
    ("python-renamed", "script.txt", lambda: PY, {}, "is not a .py file"),
    ("python-double-ext", "script.py.exe", lambda: PY, {}, "is not a .py file"),
    ("py-binary", "script.py", lambda: zip_bytes([("app.py", PY)]), {}, "not Python source text"),
    ("py-bad-encoding", "script.py", lambda: b"x = '\xff\xfe'\n", {}, "not Python source text"),
    ("name-with-folder", "../app.py", lambda: PY, {}, "plain file name"),
    ("name-bare-extension", ".py", lambda: PY, {}, "is not a .py file"),
    ("too-big", "p.zip", lambda: zip_bytes([("app.py", PY)]), {"upload_max_bytes": 10}, "larger than"),
]


@pytest.mark.parametrize(
    ("filename", "build", "changes", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in HOSTILE_UPLOADS],
)
def test_hostile_upload_is_refused_and_leaves_nothing(
    tmp_path: Path,
    source_settings: SourceSettings,
    filename: str,
    build: Callable[[], bytes],
    changes: dict[str, int],
    expected: str,
) -> None:
    settings = replace(source_settings, **changes)
    steps: list[str] = []
    with (
        pytest.raises(SourceError) as refused,
        prepared_source("upload", upload_metadata(filename, build()), settings, steps.append),
    ):
        pytest.fail("a hostile upload must not reach the analysis")
    assert expected in str(refused.value)
    assert_one_sentence(str(refused.value))
    # The workspace is gone and nothing was written next to it or above it.
    assert sorted(tmp_path.rglob("*")) == [tmp_path / "work"]
    assert steps in ([], ["extracting"])


def test_validate_upload_refuses_at_submit_time(source_settings: SourceSettings) -> None:
    with pytest.raises(SourceError, match="empty"):
        validate_upload("app.py", b"", source_settings)
    with pytest.raises(SourceError, match="is not a .py file"):
        validate_upload("app.exe", PY, source_settings)
    validate_upload("App.PY", PY, source_settings)
    validate_upload("p.tgz", tar_gz_of_files([("a.py", PY)]), source_settings)


def test_invalid_base64_is_refused(source_settings: SourceSettings) -> None:
    metadata = {"upload_filename": "app.py", "file_data": "not base64!"}
    with (
        pytest.raises(SourceError, match="not valid base64"),
        prepared_source("upload", metadata, source_settings),
    ):
        pytest.fail("unreachable")


def test_single_python_file_lands_in_a_private_workspace(source_settings: SourceSettings) -> None:
    steps: list[str] = []
    with prepared_source("upload", upload_metadata("app.py", PY), source_settings, steps.append) as source:
        workspace = source.path.parent
        assert stat.S_IMODE(workspace.stat().st_mode) == 0o700
        assert workspace.parent == source_settings.workspace_dir
        assert (source.path / "app.py").read_bytes() == PY
        assert (source.commit_sha, source.is_git_checkout) == (None, False)
    assert steps == ["extracting"]
    assert not workspace.exists()


def test_tar_project_is_unpacked_without_special_modes(source_settings: SourceSettings) -> None:
    data = tar_gz_bytes(
        [
            tar_special("./", tarfile.DIRTYPE),
            tar_file("./pkg/__init__.py", b""),
            tar_file("./pkg/tool.py", PY, mode=0o4755),
            tar_file("./README.md", b"# demo\n"),
        ]
    )
    with prepared_source("upload", upload_metadata("demo.tar.gz", data), source_settings) as source:
        assert files_under(source.path) == {"pkg/__init__.py", "pkg/tool.py", "README.md"}
        assert stat.S_IMODE((source.path / "pkg" / "tool.py").stat().st_mode) == 0o600


def test_archive_paths_are_kept_as_they_are(source_settings: SourceSettings) -> None:
    data = zip_bytes([("demo-main/", b""), ("demo-main/app.py", PY), ("demo-main/lib/util.py", PY)])
    with prepared_source("upload", upload_metadata("demo.zip", data), source_settings) as source:
        assert source.path.name == "src"
        assert files_under(source.path) == {"demo-main/app.py", "demo-main/lib/util.py"}


def test_nested_archive_is_kept_as_a_file_but_not_expanded(source_settings: SourceSettings) -> None:
    inner = zip_bytes([("inner_module.py", PY)])
    data = zip_bytes([("app.py", PY), ("vendor/inner.zip", inner)])
    with prepared_source("upload", upload_metadata("p.zip", data), source_settings) as source:
        assert files_under(source.path) == {"app.py", "vendor/inner.zip"}
        assert (source.path / "vendor" / "inner.zip").read_bytes() == inner


@pytest.mark.parametrize("kind", ["zip", "tgz"])
def test_uploaded_git_folder_is_dropped(source_settings: SourceSettings, kind: str) -> None:
    files = [
        ("proj/app.py", PY),
        ("proj/.git/config", b'[core]\n\tfsmonitor = "touch /tmp/vibe8-pwned"\n'),
        ("proj/.git/hooks/post-checkout", b"#!/bin/sh\ntouch /tmp/vibe8-pwned\n"),
        ("proj/sub/.GIT/HEAD", b"ref: refs/heads/main\n"),
    ]
    data = zip_bytes(files) if kind == "zip" else tar_gz_of_files(files)
    with prepared_source("upload", upload_metadata(f"p.{kind}", data), source_settings) as source:
        assert files_under(source.path.parent) == {"src/proj/app.py"}
        assert (source.commit_sha, source.is_git_checkout) == (None, False)


def test_zip_fifo_entry_is_refused(source_settings: SourceSettings) -> None:
    info = zipfile.ZipInfo("pipe")
    info.create_system = 3
    info.external_attr = (stat.S_IFIFO | 0o644) << 16
    metadata = upload_metadata("p.zip", zip_with_info(info, b""))
    with pytest.raises(SourceError, match="is a FIFO"), prepared_source("upload", metadata, source_settings):
        pytest.fail("unreachable")


def test_workspace_is_removed_when_the_analysis_fails(source_settings: SourceSettings) -> None:
    with (
        pytest.raises(RuntimeError),
        prepared_source("upload", upload_metadata("a.py", PY), source_settings) as src,
    ):
        (src.path / "pkg").mkdir()
        (src.path / "pkg" / "locked.py").write_bytes(PY)
        (src.path / "pkg").chmod(0o000)
        raise RuntimeError("collector crashed")
    assert sorted(source_settings.workspace_dir.iterdir()) == []  # type: ignore[union-attr]


def test_unknown_source_kind_is_refused(source_settings: SourceSettings) -> None:
    with (
        pytest.raises(SourceError, match="not one of upload or github"),
        prepared_source("ftp", {}, source_settings),
    ):
        pytest.fail("unreachable")
