"""Progress of a whole batch (a study): done, failed, waiting, and an estimate of the time left.

Done counts the study's runs, so it survives the Analyze page deleting finished jobs; failed and
waiting count its jobs. The estimate divides what is left by the pace observed since the batch's
earliest job still on record was queued (runs of the study stored since then per second).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from vibe8_core.store import Database, RunFilter


@dataclass(frozen=True)
class BatchProgress:
    study: str
    done: int
    failed: int
    running: int
    pending: int
    eta_s: float | None  # None while nothing has finished yet to measure the pace by

    @property
    def waiting(self) -> int:
        return self.running + self.pending

    @property
    def total(self) -> int:
        return self.done + self.failed + self.waiting

    @property
    def fraction(self) -> float:
        return (self.done + self.failed) / self.total if self.total else 1.0

    def describe(self) -> str:
        """'study X: 12 done, 1 failed, 7 waiting (2 running), about 3 min left'."""
        text = f"study {self.study}: {self.done} done, {self.failed} failed, {self.waiting} waiting"
        if self.running:
            text += f" ({self.running} running)"
        if not self.waiting:
            return text + ", finished"
        if self.eta_s is None:
            return text + ", estimating the time left"
        return text + f", about {format_duration(self.eta_s)} left"


def format_duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


def batch_progress(db: Database, user_id: uuid.UUID, study: str, now: datetime | None = None) -> BatchProgress:
    now = now or datetime.now(UTC)
    with db.unit_of_work() as uow:
        counts, earliest = uow.jobs.study_status(user_id, study)
        done = uow.runs.count_for_user(user_id, RunFilter(studies=(study,)))
        recent = uow.runs.count_for_user(user_id, RunFilter(studies=(study,), created_from=earliest)) if earliest else 0
    pending, running = counts.get("pending", 0), counts.get("running", 0)
    eta: float | None = 0.0 if not pending + running else None
    if eta is None and earliest is not None and recent:
        elapsed = max((now - earliest).total_seconds(), 1.0)
        eta = (pending + running) * elapsed / recent
    return BatchProgress(study, done, counts.get("failed", 0), running, pending, eta)


def active_batches(db: Database, user_id: uuid.UUID) -> list[BatchProgress]:
    """Progress of each of the user's studies that still has work waiting."""
    with db.unit_of_work() as uow:
        studies = uow.jobs.waiting_studies(user_id)
    return [batch_progress(db, user_id, study) for study in studies]
