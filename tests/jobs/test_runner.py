"""The job runner's lifecycle on SQLite and PostgreSQL: claim, heartbeat, finish, recover."""

from __future__ import annotations

import base64
import threading
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from tests.jobs.conftest import GOOD_PY, FakeEngine, job_row, make_zip
from vibe8_core.jobs.runner import JobRunner
from vibe8_core.jobs.submissions import Authorship, SubmissionError, submit_upload
from vibe8_core.store import Database
from vibe8_core.store.models import Job


def _user_id(db: Database, email: str = "ada@example.com") -> uuid.UUID:
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email(email)
        uow.commit()
    return user.id


def test_upload_job_completes_with_every_metadata_column(db: Database, settings) -> None:
    user_id = _user_id(db)
    data = make_zip({"proj/pkg/__init__.py": b"", "proj/pkg/mod.py": GOOD_PY, "proj/README.md": b"# hi\n"})
    who = Authorship(project_name="Demo", author_type="ai", author_model="Claude")
    job_id = submit_upload(db, settings, user_id, "proj.zip", data, who)

    assert JobRunner(db, settings).drain() == 1

    job = job_row(db, job_id)
    assert job.status == "completed" and job.error_message is None and job.claimed_by is None
    assert "file_data" not in job.source_metadata and job.source_metadata["upload_filename"] == "proj.zip"
    with db.unit_of_work() as uow:
        run = uow.runs.get(job.result_run_id, user_id, with_tree=True)
    assert (run.submission_type, run.upload_filename, run.project_name) == ("upload", "proj.zip", "Demo")
    assert (run.author_type, run.author_model) == ("ai", "claude")
    assert (run.git_repo_url, run.git_branch, run.git_commit_sha) == (None, None, None)
    assert run.metrics["size"]["files"] == 2
    assert sorted(f["path"] for f in run.file_tree["files"]) == ["proj/pkg/__init__.py", "proj/pkg/mod.py"]


def test_refused_upload_fails_the_job_and_the_worker_carries_on(db: Database, settings, fake_engine) -> None:
    user_id = _user_id(db)
    slip = make_zip({"../../escaped.py": GOOD_PY})
    with pytest.raises(SubmissionError, match=r"\.\."):  # the form refuses it up front ...
        submit_upload(db, settings, user_id, "slip.zip", slip, Authorship())
    with db.unit_of_work() as uow:  # ... and a client that skipped the form is refused by the worker
        metadata = {"upload_filename": "slip.zip", "file_data": base64.b64encode(slip).decode()}
        bad = uow.jobs.create_pending(user_id, "upload", metadata)
        uow.commit()
    good = submit_upload(db, settings, user_id, "ok.py", GOOD_PY, Authorship())

    assert JobRunner(db, settings, analyze=fake_engine).drain() == 2

    failed = job_row(db, bad)
    assert failed.status == "failed" and failed.result_run_id is None
    assert ".." in failed.error_message and "\n" not in failed.error_message
    assert "file_data" in failed.source_metadata  # kept for a retry
    assert job_row(db, good).status == "completed"
    assert fake_engine.calls == [(["ok.py"], False)]


def test_progress_and_heartbeats_are_visible_while_running(db: Database, settings) -> None:
    user_id = _user_id(db)
    engine = FakeEngine(steps=8, delay=0.1)
    job_id = submit_upload(db, settings, user_id, "ok.py", GOOD_PY, Authorship())
    runner = JobRunner(db, settings, analyze=engine)
    runner.start()
    try:
        assert engine.started.wait(10)
        time.sleep(0.35)
        with db.unit_of_work() as uow:
            seen = uow.jobs.get_for_owner(job_id, user_id)
        first_beat = seen.updated_at
        assert seen.status == "running"
        assert seen.progress["step"] == "per-file metrics" and seen.progress["files_total"] == 8
        time.sleep(0.3)
        with db.unit_of_work() as uow:
            assert uow.jobs.get_for_owner(job_id, user_id).updated_at > first_beat
    finally:
        runner.stop(10)
    assert job_row(db, job_id).status == "completed"


def test_a_stale_worker_cannot_overwrite_the_new_owner(db: Database, settings) -> None:
    user_id = _user_id(db)
    job_id = submit_upload(db, settings, user_id, "ok.py", GOOD_PY, Authorship())
    with db.unit_of_work() as uow:
        assert uow.jobs.claim_next("worker-a").job_id == job_id
        uow.commit()
    with db.unit_of_work() as uow:  # worker-a goes silent past the heartbeat timeout
        uow.session.execute(update(Job).values(updated_at=datetime.now(UTC) - timedelta(seconds=30)))
        assert uow.jobs.requeue_stale(heartbeat_timeout_s=1, max_attempts=3) == (1, 0)
        assert uow.jobs.claim_next("worker-b").attempts == 2
        uow.commit()
    with db.unit_of_work() as uow:
        assert not uow.jobs.heartbeat(job_id, "worker-a")
        assert not uow.jobs.mark_failed(job_id, "worker-a", "stale")
        assert uow.jobs.heartbeat(job_id, "worker-b", {"step": "lint"})
        uow.commit()
    assert job_row(db, job_id).status == "running" and job_row(db, job_id).claimed_by == "worker-b"


def test_a_job_whose_worker_keeps_dying_fails_after_max_attempts(db: Database, settings) -> None:
    user_id = _user_id(db)
    job_id = submit_upload(db, settings, user_id, "ok.py", GOOD_PY, Authorship())
    for attempt in range(1, 4):
        with db.unit_of_work() as uow:
            claimed = uow.jobs.claim_next(f"doomed-{attempt}")
            assert claimed is not None and claimed.attempts == attempt
            uow.session.execute(update(Job).values(updated_at=datetime.now(UTC) - timedelta(seconds=30)))
            uow.jobs.requeue_stale(heartbeat_timeout_s=1, max_attempts=3)
            uow.commit()
    job = job_row(db, job_id)
    assert job.status == "failed" and "started 3 time(s)" in job.error_message
    assert "file_data" in job.source_metadata and job.source_metadata["upload_filename"] == "ok.py"


def test_maintenance_fails_an_overdue_job_and_keeps_its_upload_for_a_retry(db: Database, settings) -> None:
    user_id = _user_id(db)
    job_id = submit_upload(db, settings, user_id, "ok.py", GOOD_PY, Authorship())
    with db.unit_of_work() as uow:
        uow.jobs.claim_next("hung-worker")
        uow.session.execute(update(Job).values(started_at=datetime.now(UTC) - timedelta(hours=2)))
        assert uow.jobs.fail_overdue(time_limit_s=3600) == 1
        uow.commit()
    job = job_row(db, job_id)
    assert job.status == "failed" and "time limit" in job.error_message
    assert "file_data" in job.source_metadata and job.source_metadata["upload_filename"] == "ok.py"


def test_the_runner_recovers_a_dead_workers_job(db: Database, settings, fake_engine) -> None:
    user_id = _user_id(db)
    job_id = submit_upload(db, settings, user_id, "ok.py", GOOD_PY, Authorship())
    with db.unit_of_work() as uow:
        uow.jobs.claim_next("died-mid-job")
        uow.commit()
    runner = JobRunner(db, settings, analyze=fake_engine)
    time.sleep(settings.jobs.heartbeat_timeout_s + 0.2)
    runner.maintain(force=True)
    assert runner.drain() == 1
    job = job_row(db, job_id)
    assert job.status == "completed" and job.attempts == 2


def test_the_time_limit_fails_a_runaway_analysis(db: Database, settings) -> None:
    user_id = _user_id(db)
    quick_limit = replace(settings, jobs=replace(settings.jobs, job_time_limit_s=0.3))
    job_id = submit_upload(db, settings, user_id, "ok.py", GOOD_PY, Authorship())
    JobRunner(db, quick_limit, analyze=FakeEngine(steps=100, delay=0.05)).drain()
    job = job_row(db, job_id)
    assert job.status == "failed" and "time limit" in job.error_message


def test_an_abandoning_stop_returns_the_job_to_pending(db: Database, settings) -> None:
    user_id = _user_id(db)
    engine = FakeEngine(steps=200, delay=0.05)
    job_id = submit_upload(db, settings, user_id, "ok.py", GOOD_PY, Authorship())
    runner = JobRunner(db, settings, analyze=engine)
    runner.start()
    assert engine.started.wait(10)
    runner.stop(10, abandon=True)
    assert not runner.alive
    job = job_row(db, job_id)
    assert (job.status, job.attempts, job.claimed_by) == ("pending", 0, None)


def test_a_graceful_stop_lets_the_job_in_hand_finish(db: Database, settings) -> None:
    user_id = _user_id(db)
    engine = FakeEngine(steps=5, delay=0.05)
    job_id = submit_upload(db, settings, user_id, "ok.py", GOOD_PY, Authorship())
    runner = JobRunner(db, settings, analyze=engine)
    runner.start()
    assert engine.started.wait(10)
    stopper = threading.Thread(target=runner.stop, args=(10,))
    stopper.start()
    stopper.join()
    assert job_row(db, job_id).status == "completed"
