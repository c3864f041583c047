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


def _generation_key(prefix: str) -> str:
    return f"vibe8_{prefix}_form_generation"


def field_key(state: MutableMapping[str, Any], prefix: str, field: str) -> str:
    """A form field's widget key, e.g. "upload_project". A submitted form gets new keys: a widget
    with a new key starts empty, whereas clearing a key's value is undone by the browser, which
    sends the value it still shows with the next rerun (and an uploader cannot be cleared at all)."""
    generation = state.get(_generation_key(prefix), 0)
    return f"{prefix}_{field}" + (f"_{generation}" if generation else "")


def reset_form(state: MutableMapping[str, Any], prefix: str) -> None:
    """Show the submitted form (upload or github) empty again, forgetting the values it held."""
    stale = [key for key in state if isinstance(key, str) and key.startswith(f"{prefix}_")]
    for key in stale:
        state.pop(key, None)
    state[_generation_key(prefix)] = state.get(_generation_key(prefix), 0) + 1
