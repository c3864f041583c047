"""Submitting work: validate a stranger's input once, then enqueue a `pending` job.

The upload's bytes travel inside the job's `source_metadata` (base64, as the seed shows), so a
worker on any machine needs nothing but the database.
"""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath

from vibe8_core.config import Settings
from vibe8_core.jobs.job_types import GithubSource, JobSource, UploadSource
from vibe8_core.sources import SourceError, normalize_github_url, prepared_source, validate_branch, validate_upload
from vibe8_core.store import Database
from vibe8_core.store.storable import is_storable_text

AUTHOR_TYPES = ("human", "ai")
HUMAN_AUTHOR = "developer"  # the seed's label for human-written code (DATABASE.md)
AI_MODELS = (
    "chatgpt",
    "gpt-4",
    "gpt-4o",
    "claude",
    "copilot",
    "gemini",
    "llama",
    "mistral",
)
_MAX_TEXT = 100
_PRINTABLE = re.compile(r"^[^\x00-\x1f\x7f]*$")


class SubmissionError(ValueError):
    """The submission is refused; the message is one sentence for the user."""


@dataclass(frozen=True)
class Authorship:
    project_name: str | None = None
    author_type: str = "human"
    author_model: str | None = None


def clean_text(value: str | None, label: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if not is_storable_text(value):
        raise SubmissionError(f"The {label} is not valid UTF-8 text.")
    if len(value) > _MAX_TEXT or not _PRINTABLE.match(value):
        raise SubmissionError(f"The {label} must be at most {_MAX_TEXT} printable characters.")
    return value


def check_authorship(authorship: Authorship, default_project: str) -> Authorship:
    """Normalise the who-wrote-it fields; an AI author needs a model name."""
    author_type = (authorship.author_type or "").strip().lower()
    if author_type not in AUTHOR_TYPES:
        raise SubmissionError("The author type must be 'human' or 'ai'.")
    model = clean_text(authorship.author_model, "model name")
    if author_type == "ai" and not model:
        raise SubmissionError("Name the AI model that wrote the code (for example chatgpt, claude or copilot).")
    if model:
        model = model.lower()
    if author_type == "ai" and model == HUMAN_AUTHOR:
        raise SubmissionError(f"'{HUMAN_AUTHOR}' stands for a human author, not an AI model; name the model.")
    if author_type == "human" and model in AI_MODELS:
        raise SubmissionError(f"'{model}' is an AI model; choose an AI as the author, or name the human.")
    project = clean_text(authorship.project_name, "project name") or default_project
    return Authorship(project_name=project, author_type=author_type, author_model=model or HUMAN_AUTHOR)


def submit_upload(
    db: Database, settings: Settings, user_id: uuid.UUID, filename: str, data: bytes, authorship: Authorship
) -> str:
    """Validate an uploaded file and enqueue it; returns the job id."""
    try:
        validate_upload(filename, data, settings.sources)
    except SourceError as exc:
        raise SubmissionError(str(exc)) from None
    name = PurePosixPath(filename.replace("\\", "/")).name
    stem = name.split(".")[0] or "upload"
    who = check_authorship(authorship, default_project=stem)
    encoded = base64.b64encode(data).decode("ascii")
    if not name.lower().endswith(".py"):
        _check_unpacks({"upload_filename": name, "file_data": encoded}, settings)
    return _enqueue(db, user_id, UploadSource(name, encoded, who.project_name, who.author_type, who.author_model))


def _check_unpacks(source: dict[str, str], settings: Settings) -> None:
    """Unpack an archive once, as the worker will (same limits, same private folder, removed at once),
    so that one without any .py file, or one the worker would refuse, is refused now, not later."""
    try:
        with prepared_source("upload", source, settings.sources):
            pass
    except SourceError as exc:
        raise SubmissionError(str(exc)) from None


def submit_github(
    db: Database, settings: Settings, user_id: uuid.UUID, url: str, branch: str, authorship: Authorship
) -> str:
    """Validate a repository URL and branch and enqueue them; returns the job id."""
    for label, text in (("repository address", url), ("branch name", branch)):
        if not is_storable_text(text):
            raise SubmissionError(f"The {label} is not valid UTF-8 text.")
    try:
        repo_url = normalize_github_url(url, settings.sources)
        branch = validate_branch(branch)
    except SourceError as exc:
        raise SubmissionError(str(exc)) from None
    who = check_authorship(authorship, default_project=repo_url.rstrip("/").rsplit("/", 1)[-1])
    return _enqueue(db, user_id, GithubSource(repo_url, branch, who.project_name, who.author_type, who.author_model))


def job_metadata(source: dict[str, str], who: Authorship) -> dict[str, str | None]:
    """The seed's source_metadata shape: where the code comes from and who wrote it."""
    return {
        **source,
        "project_name": who.project_name,
        "author_type": who.author_type,
        "author_model": who.author_model,
    }


def upload_source(filename: str, data: bytes) -> tuple[dict[str, str], str]:
    """The upload's source_metadata part and its default project name (the file name's stem)."""
    name = PurePosixPath(filename.replace("\\", "/")).name
    stem = name.split(".")[0] or "upload"
    return {"upload_filename": name, "file_data": base64.b64encode(data).decode("ascii")}, stem


def _enqueue(db: Database, user_id: uuid.UUID, source: JobSource) -> str:
    """Create the pending job with the seed's source_metadata shape; returns its id."""
    with db.unit_of_work() as uow:
        job_id = uow.jobs.create_pending(user_id, source.kind, source.to_json())
        uow.commit()
    return job_id
