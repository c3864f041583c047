"""The one exception the sources layer raises for anything a submission did wrong."""

from __future__ import annotations


class SourceError(ValueError):
    """A submission was refused; `str(error)` is one sentence for the user naming the rule broken."""


def shown(text: str, limit: int = 80) -> str:
    """Quote hostile text for a message: escaped (no control characters reach the page) and shortened."""
    quoted = repr(text)
    return quoted if len(quoted) <= limit else quoted[: limit - 4] + "...'"


def megabytes(size: int) -> str:
    """A byte count as the MB figure the settings are written in."""
    return f"{size / (1024 * 1024):g} MB"
