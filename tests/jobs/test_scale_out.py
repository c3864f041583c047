"""Several workers on one PostgreSQL: threads and processes share the queue; a killed worker's job
is recovered by another."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.jobs.conftest import GOOD_PY, job_row
from vibe8_core.config import PROJECT_ROOT, load_settings
from vibe8_core.jobs.runner import JobRunner
from vibe8_core.jobs.submissions import Authorship, submit_upload
from vibe8_core.store import Database
from vibe8_core.store.models import AnalysisRun, Job

pytestmark = pytest.mark.slow

FAST_JOBS = {
    "VIBE8_POLL_INTERVAL": "0.05",
    "VIBE8_HEARTBEAT_INTERVAL": "0.2",
    "VIBE8_HEARTBEAT_TIMEOUT": "2",
    "VIBE8_ANALYSIS_WORKERS": "1",
    "VIBE8_PACKAGE_INDEX_URL": "http://127.0.0.1:9/pypi",
}


@pytest.fixture
def pg(migrated_postgres_url: str, tmp_path: Path):
    env = {"DATABASE_URL": migrated_postgres_url, "VIBE8_CACHE_DIR": str(tmp_path / "cache"), **FAST_JOBS}
    settings = load_settings(env)
    settings = replace(settings, jobs=replace(settings.jobs, heartbeat_timeout_s=2.0))
    db = Database(settings.database)
    with db.engine.begin() as conn:
        for table in ("jobs", "analysis_runs", "users"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email("scale@example.com")
        uow.commit()
    yield db, settings, user.id, {**os.environ, **env}
    db.dispose()


def _worker_process(env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vibe8_core", "worker", *extra],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _count(db: Database, stmt) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(stmt) or 0)


def test_three_threads_and_a_process_drain_sixty_jobs_exactly_once(pg) -> None:
    db, settings, user_id, env = pg
    jobs = [
        submit_upload(db, settings, user_id, f"m{i}.py", GOOD_PY + f"X = {i}\n".encode(), Authorship())
        for i in range(60)
    ]
    process = _worker_process(env, "--drain")
    try:
        running = select(func.count()).select_from(Job).where(Job.status != "pending")
        _wait_for(lambda: _count(db, running) > 0, 60, "the worker process to claim a job")
        runner = JobRunner(db, settings, threads=3)
        runner.start()
        done = select(func.count()).select_from(Job).where(Job.status.in_(("completed", "failed")))
        _wait_for(lambda: _count(db, done) == 60, 240, "60 finished jobs")
        runner.stop(30)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    processed_by_process = int(output.split("Processed ")[1].split()[0])
    assert processed_by_process >= 1, output
    with db.unit_of_work() as uow:
        rows = uow.session.execute(select(Job.status, Job.result_run_id).where(Job.job_id.in_(jobs))).all()
        runs = uow.session.scalar(select(func.count()).select_from(AnalysisRun))
    assert {status for status, _ in rows} == {"completed"}
    assert len({run_id for _, run_id in rows}) == 60 and runs == 60


def _zip_of_installed_packages(*names: str) -> bytes:
    import importlib.util

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            root = Path(importlib.util.find_spec(name).origin).parent
            for path in root.rglob("*.py"):
                archive.write(path, f"{name}/{path.relative_to(root)}")
    return buffer.getvalue()


def test_a_worker_killed_mid_job_has_its_job_recovered_by_another(pg) -> None:
    db, settings, user_id, env = pg
    data = _zip_of_installed_packages("flask", "jinja2", "werkzeug")
    job_id = submit_upload(db, settings, user_id, "big.zip", data, Authorship())
    process = _worker_process(env)
    try:
        in_analysis = (
            select(func.count())
            .select_from(Job)
            .where(Job.job_id == job_id, Job.status == "running", Job.progress["step"].as_string() != "starting")
        )
        _wait_for(lambda: _count(db, in_analysis) == 1, 60, "the worker process to start the job")
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
    runner = JobRunner(db, settings)
    time.sleep(settings.jobs.heartbeat_timeout_s + 0.5)
    runner.maintain(force=True)
    assert runner.drain() == 1
    job = job_row(db, job_id)
    assert (job.status, job.attempts) == ("completed", 2)
