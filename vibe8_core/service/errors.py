"""The exceptions that cross the service, and the one sentence each shows a person."""

from __future__ import annotations

from vibe8_core.auth import AuthError
from vibe8_core.config import ConfigError
from vibe8_core.demo import DemoError
from vibe8_core.jobs.submissions import SubmissionError
from vibe8_core.sources import SourceError
from vibe8_core.store import AccessError, StoreError

# Every exception a use case raises on purpose; anything else is a bug and keeps its traceback. (The
# analysis engine's own refusal, NoPythonFilesError, is its caller's: importing it here would load the
# engine into every page.)
REFUSALS: tuple[type[Exception], ...] = (
    ConfigError,
    StoreError,  # DatabaseUnavailableError, DatabaseFailedError, AccessError (not found / not yours)
    SubmissionError,
    SourceError,
    AuthError,
    DemoError,
)


def user_message(exc: Exception) -> str:
    """The sentence to show for a refusal: never whether someone else's record exists."""
    if isinstance(exc, AccessError):
        return exc.public_message
    return str(exc)
