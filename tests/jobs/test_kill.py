"""SIGKILL on workers: nothing is left behind, and every job still ends exactly once.

Only the worker process itself is killed (as the kernel's OOM killer would), never its process group:
its forkserver and analysis processes must go by themselves, and the next worker must remove the job
folder the dead one left.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.jobs.conftest import GOOD_PY, job_row
from tests.jobs.test_scale_out import _count, _wait_for, _worker_process, _zip_of_installed_packages
from tests.jobs.test_scale_out import pg as pg  # noqa: F401 - the PostgreSQL queue fixture
from vibe8_core.jobs.submissions import Authorship, submit_upload
from vibe8_core.sources.workspace import WORKSPACE_PREFIX
from vibe8_core.store.models import AnalysisRun, Job

pytestmark = pytest.mark.slow


def descendants(pid: int) -> set[int]:
    """Every live (not zombie) process below `pid`, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, pending = set(), [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.add(child)
            pending.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if state[state.rindex(")") + 2] != "Z":
            living.add(pid)
    return living


def kill_alone(process: subprocess.Popen[str]) -> None:
    """SIGKILL the worker only (not its group); its output pipe may stay open in orphans, so only wait."""
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    if process.stdout is not None:
        process.stdout.close()


@pytest.fixture
def workspace_env(pg, tmp_path: Path):  # noqa: F811 - the fixture above
    db, settings, user_id, env = pg
    workspaces = tmp_path / "workspaces"
    workspaces.mkdir()
    return db, settings, user_id, {**env, "VIBE8_WORKSPACE_DIR": str(workspaces)}, workspaces


def test_a_sigkilled_worker_leaves_no_process_and_no_folder(workspace_env) -> None:
    db, settings, user_id, env, workspaces = workspace_env
    data = _zip_of_installed_packages("flask", "jinja2")
    job_id = submit_upload(db, settings, user_id, "big.zip", data, Authorship())
    worker = _worker_process(env)
    try:
        measuring = select(func.count()).where(Job.job_id == job_id, Job.progress["step"].as_string() != "starting")
        _wait_for(lambda: _count(db, measuring) == 1 and len(descendants(worker.pid)) >= 2, 90, "analysis processes")
        below = descendants(worker.pid)
        assert list(workspaces.glob(f"{WORKSPACE_PREFIX}{worker.pid}-*")), "the job's private folder"
    finally:
        kill_alone(worker)
    _wait_for(lambda: not alive(below), 30, f"the dead worker's processes {sorted(alive(below))} to exit")

    time.sleep(settings.jobs.heartbeat_timeout_s + 0.5)
    second = _worker_process(env, "--drain")
    output, _ = second.communicate(timeout=300)
    assert second.returncode == 0, output
    assert not list(workspaces.iterdir()), "the dead worker's folder was removed"
    job = job_row(db, job_id)
    assert (job.status, job.attempts) == ("completed", 2)


def test_two_workers_on_200_jobs_one_repeatedly_sigkilled_finish_each_job_exactly_once(workspace_env) -> None:
    db, settings, user_id, env, workspaces = workspace_env
    jobs = [
        submit_upload(db, settings, user_id, f"m{i}.py", GOOD_PY + b"X = %d\n" % i, Authorship()) for i in range(200)
    ]  # noqa: E501
    steady = _worker_process(env)
    rng = random.Random(12)
    kills = 0
    victim: subprocess.Popen[str] | None = None
    try:
        for _ in range(4):
            victim = _worker_process(env)
            held = select(func.count()).where(Job.claimed_by.like(f"%:{victim.pid}:%"))
            _wait_for(lambda: _count(db, held) > 0, 120, "the victim to hold a job")  # noqa: B023
            time.sleep(rng.uniform(0.0, 0.5))
            kill_alone(victim)
            kills += 1
        victim = _worker_process(env)
        finished = select(func.count()).where(Job.status.in_(("completed", "failed")))
        _wait_for(lambda: _count(db, finished) == 200, 900, "200 finished jobs")
    finally:
        for process in (steady, victim):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.communicate(timeout=120)
    assert kills == 4
    with db.unit_of_work() as uow:
        columns = select(Job.status, Job.result_run_id, Job.attempts)
        rows = uow.session.execute(columns.where(Job.job_id.in_(jobs))).all()
        runs = set(uow.session.scalars(select(AnalysisRun.run_id).where(AnalysisRun.user_id == user_id)))
    completed = [run_id for status, run_id, _ in rows if status == "completed"]
    assert len(rows) == 200 and all(status in ("completed", "failed") for status, _, _ in rows)
    assert len(set(completed)) == len(completed) and set(completed) == runs, "one run per completed job, no other"
    assert max(attempts for _, _, attempts in rows) <= settings.jobs.max_attempts
    assert not list(workspaces.iterdir())
