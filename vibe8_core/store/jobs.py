"""Jobs: the owner's view (create, status, list, delete) and the queue's SQL, kept together.

Queue discipline: a worker claims the oldest pending job in one statement (PostgreSQL adds
`FOR UPDATE SKIP LOCKED`; SQLite serialises writers, so its conditional UPDATE is atomic). Every
later write by a worker is guarded by `status = 'running' AND claimed_by = <worker>`, so a worker
that lost its job (requeued after a missed heartbeat) can no longer change it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, delete, func, select, update
from sqlalchemy.orm import Session

from vibe8_core.store.errors import ForbiddenError, NotFoundError, RetryError
from vibe8_core.store.models import JOB_STATUSES, Job, db_now, db_seconds_ago, without_file_data
from vibe8_core.store.records import ClaimedJob, JobRecord
from vibe8_core.store.results import rows_affected

FINISHED = ("completed", "failed")

_LIST_COLUMNS = (
    Job.job_id,
    Job.user_id,
    Job.status,
    Job.source_kind,
    Job.result_run_id,
    Job.error_message,
    Job.created_at,
    Job.updated_at,
    Job.attempts,
    Job.progress,
    Job.source_metadata["project_name"].as_string().label("project_name"),
    Job.source_metadata["upload_filename"].as_string().label("upload_filename"),
    Job.source_metadata["git_repo_url"].as_string().label("git_repo_url"),
    Job.source_metadata["git_branch"].as_string().label("git_branch"),
)


def _record(row: Row[*tuple[Any, ...]]) -> JobRecord:
    label = f"{row.git_repo_url}@{row.git_branch}" if row.source_kind == "github" else row.upload_filename
    return JobRecord(
        job_id=row.job_id,
        user_id=row.user_id,
        status=row.status,
        source_kind=row.source_kind,
        result_run_id=row.result_run_id,
        error_message=row.error_message,
        created_at=row.created_at,
        updated_at=row.updated_at,
        attempts=row.attempts,
        project_name=row.project_name,
        source_label=label,
        progress=dict(row.progress or {}),
    )


def _held_by(job_id: str, worker_id: str) -> tuple[ColumnElement[bool], ...]:
    return (Job.job_id == job_id, Job.status == "running", Job.claimed_by == worker_id)


class JobRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- the owner's view -------------------------------------------------------------------
    def create_pending(self, user_id: uuid.UUID, source_kind: str, source_metadata: dict[str, Any]) -> str:
        job_id = uuid.uuid4().hex
        self.session.add(
            Job(
                job_id=job_id,
                user_id=user_id,
                status="pending",
                source_kind=source_kind,
                source_metadata=source_metadata,
                progress={"step": "queued"},
            )
        )
        self.session.flush()
        return job_id

    def get_for_owner(self, job_id: str, user_id: uuid.UUID) -> JobRecord:
        row = self.session.execute(select(*_LIST_COLUMNS).where(Job.job_id == job_id)).first()
        if row is None:
            raise NotFoundError()
        if row.user_id != user_id:
            raise ForbiddenError()
        return _record(row)

    def list_for_user(
        self, user_id: uuid.UUID, statuses: tuple[str, ...] | None = None, *, limit: int = 50
    ) -> list[JobRecord]:
        stmt = select(*_LIST_COLUMNS).where(Job.user_id == user_id)
        if statuses:
            unknown = set(statuses) - set(JOB_STATUSES)
            if unknown:
                raise ValueError(f"unknown job status {sorted(unknown)[0]!r}")
            stmt = stmt.where(Job.status.in_(statuses))
        stmt = stmt.order_by(Job.created_at.desc(), Job.job_id).limit(limit)
        return [_record(row) for row in self.session.execute(stmt)]

    def find_waiting_same_source(self, user_id: uuid.UUID, key: tuple[str, ...], study: str | None) -> str | None:
        """A pending or running job of the user for the same source and study (see
        RunRepository.find_same_source for `key`), so that a manifest submitted twice queues nothing twice."""
        kind, name, *rest = key
        meta = Job.source_metadata
        if kind == "github":
            same = [meta["git_repo_url"].as_string() == name, meta["git_branch"].as_string() == rest[0],
                    meta["resolved_commit"].as_string() == rest[1]]  # fmt: skip
        else:
            same = [meta["upload_filename"].as_string() == name, meta["source_digest"].as_string() == rest[0]]
        in_study = meta["study"].as_string().is_(None) if study is None else meta["study"].as_string() == study
        stmt = select(Job.job_id).where(
            Job.user_id == user_id, Job.source_kind == kind, Job.status.in_(("pending", "running")), in_study, *same
        )
        return self.session.scalar(stmt.order_by(Job.created_at).limit(1))

    def study_status(self, user_id: uuid.UUID, study: str) -> tuple[dict[str, int], datetime | None]:
        """How many of the user's jobs of `study` are in each status, and when the earliest was queued."""
        stmt = (
            select(Job.status, func.count(), func.min(Job.created_at))
            .where(Job.user_id == user_id, Job.source_metadata["study"].as_string() == study)
            .group_by(Job.status)
        )
        rows = self.session.execute(stmt).all()
        earliest = min((row[2] for row in rows if row[2] is not None), default=None)
        return {row[0]: int(row[1]) for row in rows}, earliest

    def waiting_studies(self, user_id: uuid.UUID) -> list[str]:
        """The user's studies that still have pending or running jobs."""
        study = Job.source_metadata["study"].as_string()
        stmt = select(study).where(Job.user_id == user_id, Job.status.in_(("pending", "running")), study.is_not(None))
        return sorted({value for value in self.session.scalars(stmt.distinct()) if value})

    def delete_for_owner(self, job_id: str, user_id: uuid.UUID) -> None:
        """Delete the owner's job (the seed's step 5: once its result has been retrieved)."""
        self.get_for_owner(job_id, user_id)
        self.session.execute(delete(Job).where(Job.job_id == job_id))

    def delete_finished_older_than(self, max_age_s: float) -> int:
        """The cleanup query (served by ix_jobs_status_updated); returns how many went."""
        result = self.session.execute(
            delete(Job).where(Job.status.in_(FINISHED), Job.updated_at < db_seconds_ago(max_age_s))
        )
        return rows_affected(result)

    # -- the queue ------------------------------------------------------------------------------
    def claim_next(self, worker_id: str) -> ClaimedJob | None:
        """Atomically move the oldest pending job to running for `worker_id`."""
        oldest = select(Job.job_id).where(Job.status == "pending").order_by(Job.created_at, Job.job_id).limit(1)
        if self.session.get_bind().dialect.name == "postgresql":
            oldest = oldest.with_for_update(skip_locked=True)
        stmt = (
            update(Job)
            .where(Job.job_id == oldest.scalar_subquery(), Job.status == "pending")
            .values(
                status="running",
                claimed_by=worker_id,
                attempts=Job.attempts + 1,
                started_at=db_now(),
                updated_at=db_now(),
                progress={"step": "starting"},
            )
            .returning(Job.job_id, Job.user_id, Job.source_kind, Job.source_metadata, Job.attempts)
            .execution_options(synchronize_session=False)
        )
        row = self.session.execute(stmt).first()
        if row is None:
            return None
        return ClaimedJob(
            job_id=row.job_id,
            user_id=row.user_id,
            source_kind=row.source_kind,
            source_metadata=dict(row.source_metadata or {}),
            attempts=row.attempts,
        )

    def heartbeat(self, job_id: str, worker_id: str, progress: dict[str, Any] | None = None) -> bool:
        """Move `updated_at` (and the progress, if given); False if the worker no longer holds it."""
        values: dict[str, Any] = {"updated_at": db_now()}
        if progress is not None:
            values["progress"] = progress
        stmt = update(Job).where(*_held_by(job_id, worker_id)).values(**values)
        return rows_affected(self.session.execute(stmt.execution_options(synchronize_session=False))) > 0

    def _finish(self, job_id: str, worker_id: str, values: dict[str, Any], *, keep_upload: bool = False) -> bool:
        """End a held job; the uploaded bytes go unless `keep_upload` (a failed job keeps them for a retry)."""
        if not keep_upload:
            values = {**values, "source_metadata": without_file_data(Job.source_metadata)}
        stmt = update(Job).where(*_held_by(job_id, worker_id)).values(claimed_by=None, updated_at=db_now(), **values)
        return rows_affected(self.session.execute(stmt.execution_options(synchronize_session=False))) > 0

    def retry_for_owner(self, job_id: str, user_id: uuid.UUID) -> JobRecord:
        """Put the owner's failed job back in the queue as new (its attempts start again)."""
        job = self.get_for_owner(job_id, user_id)
        if job.status != "failed":
            raise RetryError(f"Only a failed analysis can be retried; this one is {job.status}.")
        metadata = self.session.scalar(select(Job.source_metadata).where(Job.job_id == job_id)) or {}
        if job.source_kind == "upload" and "file_data" not in metadata:
            raise RetryError("The uploaded file of this analysis is no longer kept; upload it again.")
        stmt = (
            update(Job)
            .where(Job.job_id == job_id, Job.status == "failed")
            .values(status="pending", attempts=0, error_message=None, claimed_by=None, started_at=None,
                    result_run_id=None, updated_at=db_now(), progress={"step": "queued"})
        )  # fmt: skip
        if not rows_affected(self.session.execute(stmt.execution_options(synchronize_session=False))):
            raise RetryError("This analysis changed while it was being retried; look at it again.")
        return self.get_for_owner(job_id, user_id)

    def mark_completed(self, job_id: str, worker_id: str, run_id: uuid.UUID) -> bool:
        """Completed with its run, in the caller's transaction; False for a stale worker."""
        progress = {"step": "done"}
        return self._finish(job_id, worker_id, {"status": "completed", "result_run_id": run_id, "progress": progress})

    def mark_failed(self, job_id: str, worker_id: str, message: str) -> bool:
        values = {"status": "failed", "error_message": message[:2000], "progress": {"step": "failed"}}
        return self._finish(job_id, worker_id, values, keep_upload=True)

    def requeue_stale(self, heartbeat_timeout_s: float, max_attempts: int) -> tuple[int, int]:
        """Running jobs with no heartbeat within the timeout: back to pending, or failed after
        `max_attempts` claims. Returns (requeued, failed)."""
        stale = (Job.status == "running", Job.updated_at < db_seconds_ago(heartbeat_timeout_s))
        failed = self._fail_where(
            (*stale, Job.attempts >= max_attempts),
            f"The analysis was started {max_attempts} time(s) and its worker died or hung every time "
            "(VIBE8_JOB_MAX_ATTEMPTS), so Vibe8 gave up on it; the input may crash the analysis.",
        )
        requeued = self.session.execute(
            update(Job)
            .where(*stale, Job.attempts < max_attempts)
            .values(status="pending", claimed_by=None, updated_at=db_now(), progress={"step": "queued"})
            .execution_options(synchronize_session=False)
        )
        return rows_affected(requeued), failed

    def release(self, job_id: str, worker_id: str) -> bool:
        """Give a held job back to the queue (graceful stop); the claim does not count."""
        stmt = (
            update(Job)
            .where(*_held_by(job_id, worker_id))
            .values(
                status="pending",
                claimed_by=None,
                attempts=Job.attempts - 1,
                updated_at=db_now(),
                progress={"step": "queued"},
            )
        )
        return rows_affected(self.session.execute(stmt.execution_options(synchronize_session=False))) > 0

    def fail_overdue(self, time_limit_s: float) -> int:
        """Fail running jobs that passed the per-job time limit, whoever holds them."""
        return self._fail_where(
            (Job.status == "running", Job.started_at < db_seconds_ago(time_limit_s)),
            f"The analysis ran longer than the {time_limit_s:.0f} s time limit.",
        )

    def _fail_where(self, conditions: tuple[ColumnElement[bool], ...], message: str) -> int:
        """Maintenance's failure, whoever held the job (its upload stays for a retry). Returns the count."""
        stmt = (
            update(Job)
            .where(*conditions)
            .values(
                status="failed",
                claimed_by=None,
                updated_at=db_now(),
                progress={"step": "failed"},
                error_message=message,
            )
        )
        return rows_affected(self.session.execute(stmt.execution_options(synchronize_session=False)))
