"""How fast N worker processes on one PostgreSQL drain a queue of small jobs, and that none runs twice.

For each worker count, a fresh throwaway database on the PostgreSQL server gets JOBS pending upload jobs
(a distinct small module each, so no result cache helps), then that many `python -m vibe8_core worker
--drain` processes start at once; the clock stops when the last one exits. Afterwards every job must be
completed with exactly one claim and exactly one run, and no two jobs may share a run.

    .venv/bin/python benchmarks/worker_throughput.py [--jobs 1000] [--workers 1,2,4,8] \
        [--server postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import base64
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODULE = '''"""Module {index}."""


def step_{index}(values, limit={index}):
    """Add up the values below the limit."""
    total = 0
    for value in values:
        if value < limit:
            total += value
    return total
'''


def queue_jobs(url: str, jobs: int) -> None:
    from vibe8_core.config import DatabaseSettings
    from vibe8_core.store import Database

    db = Database(DatabaseSettings(url=url))
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email("bench@example.com")
        for index in range(jobs):
            data = base64.b64encode(MODULE.format(index=index).encode()).decode()
            meta = {"upload_filename": f"m{index}.py", "file_data": data, "project_name": f"p{index % 20}",
                    "author_type": "human", "author_model": "developer"}  # fmt: skip
            uow.jobs.create_pending(user.id, "upload", meta)
        uow.commit()
    db.dispose()


def check_exactly_once(url: str, jobs: int) -> str:
    """One line on what the database holds afterwards; SystemExit if any job ran twice or not at all."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        statuses = dict(conn.execute(text("SELECT status, count(*) FROM jobs GROUP BY status")).all())
        claims = conn.execute(text("SELECT max(attempts), min(attempts) FROM jobs")).one()
        runs = conn.execute(text("SELECT count(*) FROM analysis_runs")).scalar_one()
        shared = conn.execute(
            text("SELECT count(*) FROM (SELECT result_run_id FROM jobs GROUP BY result_run_id HAVING count(*) > 1) s")
        ).scalar_one()
        measured = conn.execute(  # a run with its lines counted, functions found and no error entry
            text("SELECT count(*) FROM analysis_runs WHERE jsonb_array_length(errors) = 0 "
                 "AND (metrics->'size'->>'sloc')::int > 0 AND (metrics->'cyclomatic'->>'blocks')::int > 0")
        ).scalar_one()  # fmt: skip
    engine.dispose()
    if statuses != {"completed": jobs} or tuple(claims) != (1, 1) or runs != jobs or shared:
        raise SystemExit(f"NOT exactly once: statuses={statuses} attempts={tuple(claims)} runs={runs} shared={shared}")
    if measured != jobs:
        raise SystemExit(f"only {measured} of {jobs} runs were fully measured (errors, or no lines/functions)")
    return f"{jobs} completed, each claimed once, {runs} runs, all measured"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def drain(url: str, workers: int, cache: Path) -> tuple[float, float]:
    """Wall seconds until the last worker exits, and the CPU seconds the workers (and the tools they ran)
    used: on a shared machine the second says what the jobs cost, the first how long the queue for a
    core was."""
    env = {**os.environ, "DATABASE_URL": url, "VIBE8_ANALYSIS_WORKERS": "1", "VIBE8_CACHE_DIR": str(cache),
           "VIBE8_PACKAGE_INDEX_URL": "http://127.0.0.1:9/pypi", "VIBE8_PACKAGE_INDEX_TIMEOUT": "0.2",
           "DB_POOL_SIZE": "3", "DB_MAX_OVERFLOW": "0"}  # fmt: skip
    command = [sys.executable, "-m", "vibe8_core", "worker", "--drain"]
    cpu_before = _children_cpu()
    started = time.perf_counter()
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL) for _ in range(workers)]
    codes = [process.wait() for process in processes]
    elapsed = time.perf_counter() - started
    if any(codes):
        raise SystemExit(f"a worker failed: exit codes {codes}")
    return elapsed, _children_cpu() - cpu_before


def one_round(server: str, jobs: int, workers: int) -> tuple[float, float, str]:
    from tests.conftest import throwaway_postgres_database
    from vibe8_core.store.migrate import upgrade

    with throwaway_postgres_database(server, f"vibe8_bench_{uuid.uuid4().hex[:6]}") as url:
        upgrade(url)
        queue_jobs(url, jobs)
        with tempfile.TemporaryDirectory(prefix="vibe8-bench-cache-") as cache:
            elapsed, cpu = drain(url, workers, Path(cache))
        return elapsed, cpu, check_exactly_once(url, jobs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--workers", default="1,2,4,8", help="comma-separated worker process counts")
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at start")
    print(f"{'workers':>7} {'jobs':>6} {'seconds':>8} {'jobs/min':>9} {'CPU s':>7} {'CPU/job':>8} {'load':>5}  check")
    for workers in [int(value) for value in args.workers.split(",")]:
        elapsed, cpu, check = one_round(args.server, args.jobs, workers)
        print(f"{workers:>7} {args.jobs:>6} {elapsed:>8.1f} {60 * args.jobs / elapsed:>9.1f} {cpu:>7.1f} "
              f"{cpu / args.jobs:>8.3f} {os.getloadavg()[0]:>5.1f}  {check}", flush=True)  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
