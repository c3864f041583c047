"""What a job carries across its boundaries, typed: its source (`source_kind` + `source_metadata`, in
the seed's shape) and the steps its progress names. `to_json` writes today's keys; `from_json` reads
every job stored so far (a finished upload job no longer holds its bytes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Literal


class JobStep(StrEnum):
    """The steps a job's stored progress names, besides the collectors' own names (their registry steps)."""

    QUEUED = "queued"
    STARTING = "starting"
    EXTRACTING = "extracting"
    CLONING = "cloning"
    ANALYSING = "analysing"
    SCANNING = "scanning"
    PER_FILE = "per-file metrics"
    DONE = "done"
    FAILED = "failed"


def _text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class UploadSource:
    """An uploaded .py file or archive; `file_data` (base64) is dropped once the job has finished."""

    kind: ClassVar[Literal["upload"]] = "upload"
    upload_filename: str | None
    file_data: str | None
    project_name: str | None = None
    author_type: str | None = None
    author_model: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = {"upload_filename": self.upload_filename, "file_data": self.file_data}
        return {key: value for key, value in data.items() if value is not None} | _authorship(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> UploadSource:
        return cls(_text(data, "upload_filename"), _text(data, "file_data"), *_authorship_of(data))


@dataclass(frozen=True)
class GithubSource:
    """A public GitHub repository and branch."""

    kind: ClassVar[Literal["github"]] = "github"
    git_repo_url: str | None
    git_branch: str | None
    project_name: str | None = None
    author_type: str | None = None
    author_model: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"git_repo_url": self.git_repo_url, "git_branch": self.git_branch} | _authorship(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GithubSource:
        return cls(_text(data, "git_repo_url"), _text(data, "git_branch"), *_authorship_of(data))


JobSource = UploadSource | GithubSource


def _authorship(source: JobSource) -> dict[str, Any]:
    return {"project_name": source.project_name, "author_type": source.author_type, "author_model": source.author_model}


def _authorship_of(data: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    return _text(data, "project_name"), _text(data, "author_type"), _text(data, "author_model")


def source_from_json(kind: str, data: Mapping[str, Any] | None) -> JobSource:
    """The typed source of a job stored with `source_kind` = kind and `source_metadata` = data."""
    if kind == GithubSource.kind:
        return GithubSource.from_json(data or {})
    if kind == UploadSource.kind:
        return UploadSource.from_json(data or {})
    raise ValueError(f"unknown source kind {kind!r}")
