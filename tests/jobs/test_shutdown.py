"""A serving process going down hands its jobs back: never a failed job, never one left "running"."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any

from tests.jobs.conftest import GOOD_PY, job_row
from vibe8_core.analysis import AnalysisResult
from vibe8_core.jobs import embedded
from vibe8_core.jobs.runner import JobRunner
from vibe8_core.jobs.submissions import Authorship, submit_upload
from vibe8_core.store import Database


def _queued(db: Database, settings) -> str:
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email(f"{uuid.uuid4().hex[:8]}@example.com")
        uow.commit()
    return submit_upload(db, settings, user.id, "ok.py", GOOD_PY, Authorship())


class DeafEngine:
    """An analysis deep inside a tool: it reports no progress until told to come back."""

    def __init__(self, on_return: type[Exception] | None = None) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.on_return = on_return

    def __call__(self, root: Path, **_: Any) -> AnalysisResult:
        self.started.set()
        self.release.wait(30)
        if self.on_return:  # what the interpreter's shutdown does to a pool still in use
            raise self.on_return("cannot schedule new futures after shutdown")
        return AnalysisResult(metrics={}, file_tree={"version": 1, "files": []}, errors=[])


def test_shutdown_hands_back_a_job_whose_analysis_does_not_answer(db: Database, settings) -> None:
    engine = DeafEngine()
    job_id = _queued(db, settings)
    runner = JobRunner(db, settings, analyze=engine)
    runner.start()
    assert engine.started.wait(10)
    assert runner.shutdown(grace_s=0.2) == 1
    job = job_row(db, job_id)
    assert (job.status, job.attempts, job.claimed_by) == ("pending", 0, None)
    engine.release.set()  # the stale worker comes back: its late writes are fenced off
    runner.stop(10)
    assert job_row(db, job_id).status == "pending"


def test_an_error_raised_by_the_shutdown_itself_does_not_fail_the_job(db: Database, settings) -> None:
    engine = DeafEngine(on_return=RuntimeError)
    job_id = _queued(db, settings)
    runner = JobRunner(db, settings, analyze=engine)
    runner.start()
    assert engine.started.wait(10)
    runner.abandon_event.set()
    engine.release.set()
    runner.stop(10)
    job = job_row(db, job_id)
    assert (job.status, job.error_message) == ("pending", None)


def test_the_embedded_runner_is_one_per_process_and_works_from_the_start(db: Database, settings) -> None:
    job_id = _queued(db, settings)
    try:
        first = embedded.ensure(db, settings)
        assert embedded.ensure(db, settings) is first
        for _ in range(200):
            if job_row(db, job_id).status == "completed":
                break
            first.stop_event.wait(0.1)
        assert job_row(db, job_id).status == "completed"
    finally:
        embedded.shutdown()
    assert embedded.running() is None


def test_a_run_keeps_its_files_and_a_reanalysis_gives_the_same_figures(db: Database, settings) -> None:
    """The kept files (Python and dependency declarations) rebuild the upload exactly enough."""
    from tests.jobs.conftest import make_zip
    from vibe8_core.jobs.control import reanalyse_run

    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email("keeper@example.com")
        uow.commit()
    data = make_zip({"p/mod.py": GOOD_PY, "p/requirements.txt": b"requests==2.0\n", "p/notes.md": b"# no\n"})
    submit_upload(db, settings, user.id, "p.zip", data, Authorship(project_name="kept"))
    JobRunner(db, settings).drain()
    with db.unit_of_work() as uow:
        [first] = uow.runs.list_for_user(user.id, limit=None)
        assert uow.sources.all(first.run_id, user.id) == {
            "p/mod.py": GOOD_PY.decode(),
            "p/requirements.txt": "requests==2.0\n",
        }
        assert uow.sources.all(first.run_id, uuid.uuid4()) == {}, "owner-checked"
    reanalyse_run(db, settings, user.id, first.run_id)
    JobRunner(db, settings).drain()
    with db.unit_of_work() as uow:
        second, _ = uow.runs.list_for_user(user.id, limit=None)
    assert second.run_id != first.run_id and second.project_name == "kept"
    assert second.metrics["size"] == first.metrics["size"] and second.metrics["deps"]["package_health"]
