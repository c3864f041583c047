"""The database-backed job runner: claim, heartbeat, run, finish, recover, clean up.

One `JobRunner` owns N worker threads in this process. Any number of processes on any number of
machines may run one against the same PostgreSQL: claims are atomic, every write after the claim
is guarded by the worker's id, and jobs whose worker died are requeued by whoever notices first.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from vibe8_core.analysis import AnalysisResult, NoPythonFilesError, Progress, analyze_folder
from vibe8_core.collectors.cache import tool_versions
from vibe8_core.config import Settings
from vibe8_core.jobs.job_types import GithubSource, source_from_json
from vibe8_core.jobs.kept_sources import kept_sources
from vibe8_core.sources import SourceError, prepared_source
from vibe8_core.sources.workspace import remove_abandoned_workspaces
from vibe8_core.store import ClaimedJob, Database, NewRun

log = logging.getLogger(__name__)

MAINTENANCE_EVERY_S = 30.0
FINISH_ATTEMPTS = 3  # tries to record a job's failure before leaving it to maintenance
DRAIN_DB_FAILURES = 5  # consecutive database failures after which `drain` gives up


class ResultTooLargeError(ValueError):
    """The analysis result is larger than the database may be asked to store."""


def check_result_size(result: AnalysisResult, max_mb: int) -> None:
    """Refuse a result over `max_mb` of JSON (PostgreSQL refuses ~255 MB, and pages could not show it)."""
    size = len(json.dumps(result.to_dict(), default=str))
    if size > max_mb * 2**20:
        raise ResultTooLargeError(
            f"The analysis result is {size / 2**20:.0f} MB, over the {max_mb} MB that can be stored "
            "(VIBE8_MAX_RESULT_MB); analyse a smaller part of the project."
        )


class SaveError(RuntimeError):
    """Storing a finished analysis failed; the message is the job's error sentence."""


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


class JobInterrupted(Exception):
    """Raised inside the analysis to abandon a job (stop requested, job lost or out of time)."""


@dataclass
class _JobState:
    """What the heartbeat thread and the analysis share while one job runs."""

    job: ClaimedJob
    started: float = field(default_factory=time.monotonic)
    progress: dict[str, Any] = field(default_factory=lambda: {"step": "starting"})
    lost: bool = False
    overdue: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def update(self, **progress: Any) -> None:
        with self.lock:
            self.progress = {**self.progress, **progress}

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return dict(self.progress)


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class JobRunner:
    """Runs jobs from the database in `threads` worker threads until `stop()`."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        threads: int | None = None,
        analyze: Callable[..., AnalysisResult] = analyze_folder,
    ) -> None:
        self.db = db
        self.settings = settings
        self.threads = threads or settings.jobs.worker_threads
        self.stop_event = threading.Event()
        self.abandon_event = threading.Event()
        self._analyze = analyze
        self._workers: list[threading.Thread] = []
        self._last_maintenance = 0.0
        self._maintenance_lock = threading.Lock()
        self._in_hand: dict[str, str] = {}  # worker id → the job it holds (what `shutdown` hands back)
        self._in_hand_lock = threading.Lock()

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> None:
        remove_abandoned_workspaces(self.settings.sources)
        for index in range(self.threads):
            worker = threading.Thread(
                target=self._loop, args=(worker_identity(),), name=f"vibe8-worker-{index}", daemon=True
            )
            worker.start()
            self._workers.append(worker)

    def stop(self, timeout: float | None = None, *, abandon: bool = False) -> None:
        """Stop taking jobs; a job in hand finishes (or, with `abandon`, returns to pending)."""
        self.stop_event.set()
        if abandon:
            self.abandon_event.set()
        for worker in self._workers:
            worker.join(timeout)

    def shutdown(self, grace_s: float = 10.0) -> int:
        """Stop now, as a server going down must: every job in hand goes back to the queue, unfinished
        and not failed. A worker that has not let go within `grace_s` (deep inside a tool) has its
        job released from here; its own later writes are fenced off by the claim. Returns how many
        jobs were handed back from here."""
        self.stop(grace_s, abandon=True)
        with self._in_hand_lock:
            held = dict(self._in_hand)
        released = 0
        for worker_id, job_id in held.items():
            with self.db.unit_of_work() as uow:
                released += uow.jobs.release(job_id, worker_id)
                uow.commit()
            log.info("job %s: returned to the queue (server stopping)", job_id)
        return released

    @property
    def alive(self) -> bool:
        return any(worker.is_alive() for worker in self._workers)

    def drain(self) -> int:
        """Run jobs in this thread until none is pending; returns how many were processed."""
        remove_abandoned_workspaces(self.settings.sources)
        worker_id = worker_identity()
        done = failures = 0
        while not self.stop_event.is_set():
            try:
                worked = self.run_once(worker_id)
            except SQLAlchemyError:
                failures += 1
                if failures >= DRAIN_DB_FAILURES:
                    raise
                log.warning("worker %s: the database failed; trying again", worker_id, exc_info=True)
                self.stop_event.wait(self.settings.jobs.poll_interval_s)
                continue
            if not worked:
                return done
            done, failures = done + 1, 0
        return done

    def _loop(self, worker_id: str) -> None:
        while not self.stop_event.is_set():
            try:
                worked = self.run_once(worker_id)
            except Exception:  # noqa: BLE001 - a worker thread must outlive any one failure
                log.exception("worker %s: unexpected error; carrying on", worker_id)
                worked = False
            if not worked:
                self.stop_event.wait(self.settings.jobs.poll_interval_s)

    # -- one job --------------------------------------------------------------------------------
    def run_once(self, worker_id: str) -> bool:
        """Maintenance if due, then claim and process one job. False when nothing was pending."""
        self.maintain()
        with self.db.unit_of_work() as uow:
            job = uow.jobs.claim_next(worker_id)
            uow.commit()
        if job is None:
            return False
        log.info("worker %s: claimed job %s (attempt %d)", worker_id, job.job_id, job.attempts)
        with self._in_hand_lock:
            self._in_hand[worker_id] = job.job_id
        try:
            self._process(job, worker_id)
        finally:
            with self._in_hand_lock:
                self._in_hand.pop(worker_id, None)
        return True

    def _process(self, job: ClaimedJob, worker_id: str) -> None:
        """Analyse and store one job; every way this can go wrong, saving included, ends the job."""
        state = _JobState(job)
        beat_stop = threading.Event()
        beater = threading.Thread(target=self._heartbeat, args=(state, worker_id, beat_stop), daemon=True)
        beater.start()
        try:
            result, commit_sha, sources = self._analyse(job, state)
            self._complete(job, worker_id, result, commit_sha, sources)
        except JobInterrupted:
            self._interrupted(job, worker_id, state)
        except (SourceError, NoPythonFilesError, ResultTooLargeError, SaveError) as exc:
            self._fail(job, worker_id, str(exc))
        except Exception as exc:  # noqa: BLE001 - any surprise becomes a failed job, not a dead worker
            if self.abandon_event.is_set():  # the process is going down under the analysis: not its fault
                log.info("job %s: interrupted by the shutdown (%s)", job.job_id, type(exc).__name__)
                self._interrupted(job, worker_id, state)
                return
            log.exception("job %s failed unexpectedly", job.job_id)
            self._fail(job, worker_id, f"The analysis failed unexpectedly ({type(exc).__name__}).")
        finally:
            beat_stop.set()
            beater.join()

    def _analyse(self, job: ClaimedJob, state: _JobState) -> tuple[AnalysisResult, str | None, dict[str, str]]:
        def on_step(step: str) -> None:
            self._check(state)
            state.update(step=step)

        def on_progress(progress: Progress) -> None:
            self._check(state)
            state.update(step=progress.step, files_done=progress.files_done, files_total=progress.files_total)

        with prepared_source(job.source_kind, job.source_metadata, self.settings.sources, on_step) as source:
            on_step("analysing")
            result = self._analyze(
                source.path, settings=self.settings.engine, churn=source.is_git_checkout, progress=on_progress
            )
            analysed = [entry["path"] for entry in (result.file_tree or {}).get("files", [])]
            return result, source.commit_sha, kept_sources(source.path, analysed)

    def _check(self, state: _JobState) -> None:
        if state.lost or state.overdue or self.abandon_event.is_set():
            raise JobInterrupted

    def _heartbeat(self, state: _JobState, worker_id: str, stop: threading.Event) -> None:
        interval = self.settings.jobs.heartbeat_interval_s
        limit = self.settings.jobs.job_time_limit_s
        while not stop.wait(interval):
            if time.monotonic() - state.started > limit:
                state.overdue = True
            try:
                with self.db.unit_of_work() as uow:
                    held = uow.jobs.heartbeat(state.job.job_id, worker_id, state.snapshot())
                    uow.commit()
            except Exception:  # noqa: BLE001 - a missed beat is retried; the timeout is generous
                log.warning("job %s: heartbeat failed", state.job.job_id, exc_info=True)
                continue
            if not held:
                state.lost = True
                return

    # -- endings --------------------------------------------------------------------------------
    def _complete(
        self, job: ClaimedJob, worker_id: str, result: AnalysisResult, commit_sha: str | None, sources: dict[str, str]
    ) -> None:
        source = source_from_json(job.source_kind, job.source_metadata)
        check_result_size(result, self.settings.jobs.max_result_mb)
        new = NewRun(
            submission_type=source.kind,
            metrics=result.metrics,
            file_tree=result.file_tree,
            errors=list(result.errors),
            project_name=source.project_name,
            author_type=source.author_type,
            author_model=source.author_model,
            study=job.source_metadata.get("study"),
            source_digest=job.source_metadata.get("source_digest"),
            tool_versions=tool_versions(),
        )
        if isinstance(source, GithubSource):
            new = replace(
                new, git_repo_url=source.git_repo_url, git_branch=source.git_branch, git_commit_sha=commit_sha
            )
        else:
            new = replace(new, upload_filename=source.upload_filename)
        try:
            with self.db.unit_of_work() as uow:
                run = uow.runs.create(job.user_id, new)
                uow.sources.add(run.run_id, sources)
                if not uow.jobs.mark_completed(job.job_id, worker_id, run.run_id):
                    log.warning("job %s: lost to another worker; result discarded", job.job_id)
                    return  # rolled back: the run row goes with it
                uow.commit()
        except Exception as exc:  # noqa: BLE001 - whatever the database said, the job ends failed, saying so
            log.exception("job %s: the result could not be saved", job.job_id)
            raise SaveError(f"The result could not be saved: the database refused it ({_reason(exc)}).") from exc
        log.info("job %s: completed as run %s", job.job_id, run.run_id)

    def _fail(self, job: ClaimedJob, worker_id: str, message: str) -> None:
        """Mark the job failed, retrying on a fresh connection (the one in use may be what broke).

        If the database stays away, the job is left to maintenance: its heartbeat stops, so it is
        requeued, or failed once it has used its attempts; it is never finished twice."""
        for attempt in range(FINISH_ATTEMPTS):
            try:
                with self.db.unit_of_work() as uow:
                    uow.jobs.mark_failed(job.job_id, worker_id, message)
                    uow.commit()
            except SQLAlchemyError:
                log.warning("job %s: could not record the failure (try %d)", job.job_id, attempt + 1, exc_info=True)
                self.stop_event.wait(0.2 * (attempt + 1))
                continue
            log.info("job %s: failed: %s", job.job_id, message)
            return

    def _interrupted(self, job: ClaimedJob, worker_id: str, state: _JobState) -> None:
        if state.overdue:
            limit = self.settings.jobs.job_time_limit_s
            self._fail(job, worker_id, f"The analysis ran longer than the {limit:.0f} s time limit.")
        elif not state.lost:
            with self.db.unit_of_work() as uow:
                uow.jobs.release(job.job_id, worker_id)
                uow.commit()
            log.info("job %s: returned to the queue (worker stopping)", job.job_id)

    # -- housekeeping ---------------------------------------------------------------------------
    def maintain(self, *, force: bool = False) -> None:
        """Requeue or fail jobs whose worker died, fail overdue ones, delete old finished ones."""
        now = time.monotonic()
        with self._maintenance_lock:
            if not force and now - self._last_maintenance < MAINTENANCE_EVERY_S:
                return
            self._last_maintenance = now
        cfg = self.settings.jobs
        with self.db.unit_of_work() as uow:
            requeued, failed = uow.jobs.requeue_stale(cfg.heartbeat_timeout_s, cfg.max_attempts)
            overdue = uow.jobs.fail_overdue(cfg.job_time_limit_s + cfg.heartbeat_timeout_s)
            cleaned = uow.jobs.delete_finished_older_than(cfg.finished_job_max_age_s)
            uow.commit()
        if requeued or failed or overdue or cleaned:
            log.info(
                "maintenance: requeued %d, failed %d, overdue %d, cleaned %d",
                requeued,
                failed,
                overdue,
                cleaned,
            )
