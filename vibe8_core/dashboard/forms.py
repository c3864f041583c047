"""Inline checks for the Analyze page's inputs, shown as the user types (before anything is queued).

They reuse the submission layer's own rules, so what is flagged here is exactly what submitting
would refuse; the branch is only checked on submit (that check runs git).
"""

from __future__ import annotations

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
