"""A user's jobs: list them, read one, retry a failed one, forget the ones they have seen finish."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from vibe8_core.jobs.control import cancel_job
from vibe8_core.service.base import UseCases
from vibe8_core.store import AccessError, JobRecord


class JobUseCases(UseCases):
    def for_user(self, user_id: uuid.UUID, limit: int = 50) -> list[JobRecord]:
        """The user's jobs, newest first (never cached anywhere: their progress changes by the second)."""
        with self.db.unit_of_work() as uow:
            return uow.jobs.list_for_user(user_id, limit=limit)

    def get(self, user_id: uuid.UUID, job_id: str) -> JobRecord:
        """One of the user's jobs (AccessError when missing or someone else's)."""
        with self.db.unit_of_work() as uow:
            return uow.jobs.get_for_owner(job_id, user_id)

    def retry(self, user_id: uuid.UUID, job_id: str) -> JobRecord:
        """Queue the user's failed job again, its attempts reset (RetryError says why not)."""
        with self.db.unit_of_work() as uow:
            job = uow.jobs.retry_for_owner(job_id, user_id)
            uow.commit()
        return job

    def forget(self, user_id: uuid.UUID, job_ids: Iterable[str]) -> int:
        """Delete jobs their owner has seen finish (DATABASE.md lifecycle step 5: deleted after the result
        is retrieved), in one transaction; returns how many went. A job already gone (another tab forgot
        it) or never theirs is skipped: forgetting is idempotent and reveals nothing."""
        forgotten = 0
        with self.db.unit_of_work() as uow:
            for job_id in job_ids:
                try:
                    uow.jobs.delete_for_owner(job_id, user_id)
                except AccessError:
                    continue
                forgotten += 1
            uow.commit()
        return forgotten

    def cancel(self, user_id: uuid.UUID, job_id: str) -> None:
        """Withdraw one of the user's queued or running jobs (see `jobs.control.cancel_job`)."""
        cancel_job(self.db, user_id, job_id)
