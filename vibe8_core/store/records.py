"""Plain, immutable records the repositories return (safe to cache and to pass between threads)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from vibe8_core.run_summary import RunSummary


@dataclass(frozen=True)
class UserRecord:
    id: uuid.UUID
    email: str
    auth0_sub: str | None
    created_at: datetime
    last_login: datetime | None


@dataclass(frozen=True)
class RunFilter:
    """Filters for a user's history, applied in SQL (`store.history`); empty or None means 'any', and
    the filters narrow each other (AND). A tuple matches any of its values."""

    projects: tuple[str, ...] = ()
    author_type: str | None = None
    author_models: tuple[str, ...] = ()
    studies: tuple[str, ...] = ()
    created_from: datetime | None = None
    created_to: datetime | None = None
    search: str = ""  # a piece of the project name, upload file name or repository URL (case ignored)


HISTORY_SORTS = ("created_at", "project", "author", "source", "overall", "sloc", "files")
"""The history's sort keys besides one per score ("score_<key>"), as `store.history` orders them."""


@dataclass(frozen=True)
class RunSort:
    """The order of a history: a key of HISTORY_SORTS or "score_<key>"; ties newest first. Runs with no
    figure for a numeric key come last either way."""

    key: str = "created_at"
    descending: bool = True


def utc_day_bounds(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """Calendar days (UTC) as created_from / created_to: from the start of `first` to the end of `last`."""
    start = datetime.combine(first, time.min, UTC) if first is not None else None
    end = datetime.combine(last, time.max, UTC) if last is not None else None
    return start, end


@dataclass(frozen=True)
class NewRun:
    """What the job runner stores for one finished analysis."""

    submission_type: str
    metrics: dict[str, Any]
    file_tree: dict[str, Any] | None
    errors: list[str]
    upload_filename: str | None = None
    project_name: str | None = None
    author_type: str | None = None
    author_model: str | None = None
    git_repo_url: str | None = None
    git_branch: str | None = None
    git_commit_sha: str | None = None
    study: str | None = None
    source_digest: str | None = None
    tool_versions: dict[str, str] | None = None
    # Set only by an import (`vibe8_core.reports.runs_io`), which keeps the exported run's id and time.
    run_id: uuid.UUID | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class RunHeader:
    """Who analysed what, and when: the columns every view of a run shows."""

    run_id: uuid.UUID
    user_id: uuid.UUID
    created_at: datetime
    submission_type: str
    upload_filename: str | None
    project_name: str | None
    author_type: str | None
    author_model: str | None
    git_repo_url: str | None
    git_branch: str | None
    git_commit_sha: str | None
    study: str | None

    @property
    def source_label(self) -> str:
        if self.submission_type == "github":
            sha = (self.git_commit_sha or "")[:10]
            return f"{self.git_repo_url}@{self.git_branch}" + (f" ({sha})" if sha else "")
        return self.upload_filename or "upload"


@dataclass(frozen=True)
class RunSummaryRecord(RunHeader):
    """A run as a history row needs it: its header and its RunSummary, without metrics or file tree."""

    summary: RunSummary


@dataclass(frozen=True)
class RunRecord(RunHeader):
    """A stored analysis. `file_tree` is None unless it was asked for (it can be large)."""

    metrics: dict[str, Any]
    errors: list[str]
    file_tree: dict[str, Any] | None = None
    tool_versions: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready columns (for exports and the command line)."""
        data = {
            "run_id": str(self.run_id),
            "user_id": str(self.user_id),
            "created_at": self.created_at.isoformat(),
            "submission_type": self.submission_type,
            "upload_filename": self.upload_filename,
            "project_name": self.project_name,
            "author_type": self.author_type,
            "author_model": self.author_model,
            "git_repo_url": self.git_repo_url,
            "git_branch": self.git_branch,
            "git_commit_sha": self.git_commit_sha,
            "study": self.study,
            "metrics": self.metrics,
            "errors": self.errors,
        }
        if self.file_tree is not None:
            data["file_tree"] = self.file_tree
        return data


@dataclass(frozen=True)
class JobRecord:
    """A job as its owner sees it; never carries the uploaded bytes."""

    job_id: str
    user_id: uuid.UUID
    status: str
    source_kind: str
    result_run_id: uuid.UUID | None
    error_message: str | None
    created_at: datetime
    updated_at: datetime
    attempts: int
    project_name: str | None = None
    source_label: str | None = None
    progress: dict[str, Any] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed")

    def to_dict(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "status": self.status,
            "source_kind": self.source_kind,
            "source": self.source_label,
            "project_name": self.project_name,
            "progress": self.progress,
            "result_run_id": str(self.result_run_id) if self.result_run_id else None,
            "error_message": self.error_message,
            "attempts": self.attempts,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True)
class ClaimedJob:
    """A job a worker holds: everything it needs to run the analysis."""

    job_id: str
    user_id: uuid.UUID
    source_kind: str
    source_metadata: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class SignInRecord:
    """An accepted sign-in as the session gate needs it; `now` is the database clock when it was read."""

    token_hash: str
    user_id: uuid.UUID
    mode: str
    authenticated_at: datetime
    accepted_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    end_reason: str | None
    now: datetime

    @property
    def idle_s(self) -> float:
        return (self.now - self.last_seen_at).total_seconds()

    @property
    def age_s(self) -> float:
        """Seconds since the person last proved who they are to the identity provider."""
        return (self.now - self.authenticated_at).total_seconds()
