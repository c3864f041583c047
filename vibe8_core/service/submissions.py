"""Queue an upload, a local file or a GitHub repository for analysis."""

from __future__ import annotations

import uuid
from pathlib import Path

from vibe8_core.jobs.submissions import Authorship, SubmissionError, submit_github, submit_upload
from vibe8_core.service.base import UseCases


class SubmissionUseCases(UseCases):
    def upload(self, user_id: uuid.UUID, filename: str, data: bytes, who: Authorship) -> str:
        """Check an uploaded .py file or archive and queue it; returns the job id (SubmissionError when refused)."""
        return submit_upload(self.db, self.settings, user_id, filename, data, who)

    def file(self, user_id: uuid.UUID, path: Path, who: Authorship) -> str:
        """Queue a file from this machine, as if it had been uploaded under its own name."""
        if not path.is_file():
            raise SubmissionError(f"{path}: no such file.")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SubmissionError(f"{path} cannot be read: {exc.strerror or exc}.") from None
        return self.upload(user_id, path.name, data, who)

    def github(self, user_id: uuid.UUID, url: str, branch: str, who: Authorship) -> str:
        """Check a GitHub repository URL and branch and queue them; returns the job id."""
        return submit_github(self.db, self.settings, user_id, url, branch, who)
