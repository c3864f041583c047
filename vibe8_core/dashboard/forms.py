"""Inline checks for the Analyze page's inputs, shown as the user types (before anything is queued).

They reuse the submission layer's own rules, so what is flagged here is exactly what submitting
would refuse; the branch is only checked on submit (that check runs git).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from vibe8_core.config import SourceSettings
from vibe8_core.jobs.submissions import Authorship, SubmissionError, check_authorship
from vibe8_core.sources import SourceError, normalize_github_url


def github_url_problem(url: str, settings: SourceSettings) -> str | None:
    """Why `url` would be refused, or None (also None while the field is still empty)."""
    if not url.strip():
        return None
    try:
        normalize_github_url(url, settings)
    except SourceError as exc:
        return str(exc)
    return None


def authorship_problem(who: Authorship) -> str | None:
    try:
        check_authorship(who, default_project="project")
    except SubmissionError as exc:
        return str(exc)
    return None


UPLOADER_GENERATION = "vibe8_uploader_generation"
_FORM_FIELDS = {"upload": ("project", "author", "model_human", "model_ai"),
                "github": ("url", "branch", "project", "author", "model_human", "model_ai")}  # fmt: skip


def uploader_key(state: MutableMapping[str, Any]) -> str:
    """The upload widget's key: a file uploader cannot be emptied from code, but one with a new key
    starts empty."""
    generation = state.get(UPLOADER_GENERATION, 0)
    return f"upload_file_{generation}" if generation else "upload_file"


def reset_form(state: MutableMapping[str, Any], prefix: str) -> None:
    """Forget what the submitted form (upload or github) held, so that it shows empty again."""
    for field in _FORM_FIELDS[prefix]:
        state.pop(f"{prefix}_{field}", None)
    if prefix == "upload":
        state[UPLOADER_GENERATION] = state.get(UPLOADER_GENERATION, 0) + 1
