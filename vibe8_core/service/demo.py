"""The demo: real, offline code analysed for a new user so every chart has something to show."""

from __future__ import annotations

import uuid

from vibe8_core.demo import submit_demo
from vibe8_core.service.base import UseCases
from vibe8_core.store import JobRecord


class DemoUseCases(UseCases):
    def submit(self, user_id: uuid.UUID) -> list[str]:
        """Queue the demo projects for the user's workers; returns the job ids (DemoError when none could be)."""
        return submit_demo(self.db, self.settings, user_id)

    def run_now(self, user_id: uuid.UUID) -> list[JobRecord]:
        """Queue the demo projects and analyse everything pending in this process; returns their jobs."""
        # Imported here: the runner pulls in the whole analysis engine, which most callers never need.
        from vibe8_core.jobs.runner import JobRunner

        job_ids = self.submit(user_id)
        JobRunner(self.db, self.settings).drain()
        with self.db.unit_of_work() as uow:
            return [uow.jobs.get_for_owner(job_id, user_id) for job_id in job_ids]
