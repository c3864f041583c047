"""How fast each dashboard page's script runs with a big history, on SQLite or PostgreSQL.

Seeds a throwaway database with one user owning RUNS runs (the newest carries a FILES-file tree, the
others small trees) and, with --users, that many other users sharing --other-runs more runs (inserted
in bulk), then times every page's script for the first user with Streamlit's AppTest: with nothing
cached (a fresh process), after the session has visited Human vs AI (the user's whole run list is
cached, the page's own run tree is not), and the median of later reruns (what every interaction costs). Each
figure is wall time; the CPU time of the page's process is printed beside the first visit, because on a
shared machine wall time mostly measures the queue for a core.

    .venv/bin/python benchmarks/page_speed.py [--runs 5000] [--files 10000] [--repeat 3]
    .venv/bin/python benchmarks/page_speed.py --database postgresql --runs 20000 --users 199 --other-runs 80000
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = (
    ("Analyze", "pages/analyze.py"),
    ("History", "pages/history.py"),
    ("Run dashboard", "pages/run.py"),
    ("File explorer", "pages/explorer.py"),
    ("Human vs AI", "pages/human_vs_ai.py"),
    ("Trends", "pages/trends.py"),
)
MODELS = ("developer", "chatgpt", "gpt-4", "gpt-4o", "claude", "copilot", "gemini")
LINT = (("F401", "imported but unused"), ("E501", "Line too long"), ("B006", "Mutable default argument"))


def file_entry(rng: random.Random, index: int) -> dict[str, Any]:
    sloc = rng.randint(10, 600)
    max_cc = rng.choice((1, 2, 4, 7, 12, 25))
    findings = [
        {"collector": "lint", "code": code, "message": message, "line": rng.randint(1, sloc), "column": 1,
         "severity": "low", "text": "import os", "extra": {}}
        for code, message in rng.sample(LINT, rng.randint(0, 2))
    ]  # fmt: skip
    if rng.random() < 0.1:
        findings.append({"collector": "security", "code": "B602", "message": "shell=True", "line": 3,
                         "column": 0, "severity": "high", "text": "call(cmd, shell=True)", "extra": {}})  # fmt: skip
    return {
        "path": f"pkg{index % 40}/sub{index % 7}/module_{index}.py", "sloc": sloc, "loc": sloc + 20,
        "lloc": sloc, "comments": 5, "multi": 2, "blank": 13, "avg_cc": max_cc / 2, "max_cc": max_cc,
        "mi": round(rng.uniform(5, 100), 1), "mi_rank": "A", "doc_covered": 1, "doc_total": 3,
        "lint_count": len(findings), "security_count": 0, "dead_code_count": 0, "duplicate_lines": 0,
        "commits": rng.randint(1, 40), "lines_added": 50, "lines_deleted": 10, "last_change": None,
        "severity": round(rng.uniform(0, 80), 1), "grade": rng.choice("ABCDE"), "parse_error": None,
        "blocks": [{"name": "f", "kind": "function", "line": 1, "end_line": 9, "complexity": max_cc,
                    "rank": "A" if max_cc <= 5 else "C", "cognitive": max_cc}],
        "findings": findings,
    }  # fmt: skip


def metrics(rng: random.Random, files: int) -> dict[str, Any]:
    sloc = files * 150
    return {
        "lint": {"total": files, "linting_score": round(rng.uniform(20, 100), 1), "rules": ["E", "F"]},
        "cyclomatic": {"avg_cc": round(rng.uniform(1, 8), 2), "complexity_score": round(rng.uniform(30, 100), 1)},
        "docs": {"coverage_pct": round(rng.uniform(10, 95), 1)},
        "dead_code": {"unused_symbols": rng.randint(0, 50)},
        "deps": {"total_modules": 12, "package_health": [
            {"name": "requests", "specifier": "==2.31", "pinned": True, "imported": True, "latest": "unknown",
             "behind": None, "status": "unknown"}]},
        "mi": {"mi_avg": round(rng.uniform(30, 90), 1)},
        "size": {"files": files, "sloc": sloc, "avg_file_sloc": 150.0, "loc": sloc * 1.2, "lloc": sloc,
                 "comments": files * 5, "multi": 0, "blank": files * 10},
        "dupes": {"duplicate_lines": 10, "duplicate_pct": round(rng.uniform(0, 15), 2),
                  "duplication_score": round(rng.uniform(40, 100), 1)},
        "security": {"high": rng.randint(0, 3), "medium": 1, "low": 4,
                     "security_score": round(rng.uniform(30, 100), 1)},
        "churn": {"total_commits": None, "totalChurn": None, "churn_score": None},
    }  # fmt: skip


def _insert_runs(uow: Any, rows: Iterator[dict[str, Any]]) -> None:
    """Insert history rows in batches of 2,000 (one INSERT each), with their summaries."""
    from sqlalchemy import insert

    from vibe8_core.run_summary import summarize_run
    from vibe8_core.store.models import AnalysisRun

    batch = []
    for row in rows:
        batch.append({**row, "errors": [], "summary": summarize_run(row["metrics"], []).to_json()})
        if len(batch) == 2000:
            uow.session.execute(insert(AnalysisRun), batch)
            batch = []
    if batch:
        uow.session.execute(insert(AnalysisRun), batch)


def _small_runs(rng: random.Random, owners: list[Any], runs: int, *, labelled: bool) -> Iterator[dict[str, Any]]:
    """`runs` runs of five files (two in the tree), one a second apart, the owners taking turns; `labelled`
    spreads them over human and AI with models, else all human."""
    start = datetime.now(UTC) - timedelta(seconds=runs + 60)
    for index in range(runs):
        ai = labelled and rng.random() < 0.5
        yield {"user_id": owners[index % len(owners)], "submission_type": "upload", "metrics": metrics(rng, 5),
               "file_tree": {"version": 1, "files": [file_entry(rng, i) for i in range(2)]},
               "upload_filename": f"project{index % 50}.zip", "project_name": f"project{index % 50}",
               "author_type": "ai" if ai else "human", "author_model": rng.choice(MODELS[1:]) if ai else "developer",
               "created_at": start + timedelta(seconds=index)}  # fmt: skip


def seed_others(url: str, users: int, runs: int) -> None:
    """`runs` small runs spread over `users` other users, inserted in bulk (their pages are not timed)."""
    from vibe8_core.config import DatabaseSettings
    from vibe8_core.store import Database

    db = Database(DatabaseSettings(url=url))
    with db.unit_of_work() as uow:
        owners = [uow.users.get_or_create_by_email(f"other{index}@example.com").id for index in range(users)]
        _insert_runs(uow, _small_runs(random.Random(9), owners, runs, labelled=False))
        uow.commit()
    db.dispose()


def seed(url: str, runs: int, files: int) -> Any:
    """The timed user: `runs` - 1 small runs inserted in bulk, then the newest, with a `files`-file tree,
    stored the way the worker stores a run."""
    from vibe8_core.config import DatabaseSettings
    from vibe8_core.store import Database, NewRun

    rng = random.Random(8)
    db = Database(DatabaseSettings(url=url))
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email("bench@example.com")
        _insert_runs(uow, _small_runs(rng, [user.id], runs - 1, labelled=True))
        new = NewRun(submission_type="upload", metrics=metrics(rng, files), errors=[],
                     file_tree={"version": 1, "files": [file_entry(rng, i) for i in range(files)]},
                     upload_filename="big.zip", project_name="project0", author_type="human",
                     author_model="developer")  # fmt: skip
        uow.runs.create(user.id, new)
        uow.commit()
    db.dispose()
    return user


CPU_FIRST: dict[str, float] = {}  # page title -> CPU seconds of its first visit


def _timed_run(at: Any) -> float:
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise SystemExit(f"page failed: {at.exception[0].value}")
    return elapsed


def time_pages(user: Any, repeat: int) -> list[tuple[str, float, float, float]]:
    """Per page: (title, nothing cached, all runs cached, median rerun)."""
    import logging

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    for name in ("streamlit", "streamlit.runtime"):
        logging.getLogger(name).setLevel(logging.ERROR)
    results = []
    for title, page in PAGES:
        timings = []
        for prime in (False, True):
            st.cache_data.clear()
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            at.session_state["vibe8_user"] = user
            at.run()
            if prime:  # a session that has been on Human vs AI: the user's whole run list is cached
                at.switch_page("pages/human_vs_ai.py")
                _timed_run(at)
            at.switch_page(page)
            started_cpu = time.process_time()
            timings.append(_timed_run(at))
            CPU_FIRST.setdefault(title, time.process_time() - started_cpu)
        warm = statistics.median(_timed_run(at) for _ in range(repeat))
        results.append((title, timings[0], timings[1], warm))
    return results


@contextmanager
def _database(args: argparse.Namespace, folder: Path) -> Iterator[str]:
    """A migrated throwaway database: a SQLite file in `folder`, or a new database on the server."""
    from vibe8_core.store.migrate import upgrade

    if args.database == "sqlite":
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        upgrade(url)
        yield url
        return
    from tests.conftest import throwaway_postgres_database

    with throwaway_postgres_database(args.server, "vibe8_bench_pages") as url:
        upgrade(url)
        yield url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5000)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per page (the median is shown)")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--users", type=int, default=0, help="other users besides the timed one")
    parser.add_argument("--other-runs", type=int, default=0, help="runs shared among the other users")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vibe8-bench-") as folder, _database(args, Path(folder)) as url:
        os.environ.update({"DATABASE_URL": url, "VIBE8_EMBEDDED_WORKER": "0"})
        for name in ("AUTH0_DOMAIN", "AUTH0_CLIENT_ID"):
            os.environ.pop(name, None)
        started = time.perf_counter()
        user = seed(url, args.runs, args.files)
        if args.users and args.other_runs:
            seed_others(url, args.users, args.other_runs)
        print(f"{args.database}: seeded {args.runs:,} runs (newest with {args.files:,} files) and "
              f"{args.other_runs:,} runs of {args.users} other users in {time.perf_counter() - started:.1f} s; "
              f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        print(f"{'page':<15} {'nothing cached':>15} {'(CPU)':>7} {'all cached':>12} {'rerun':>7}   (seconds)")
        for title, cold, first, warm in time_pages(user, args.repeat):
            print(f"{title:<15} {cold:>15.3f} {CPU_FIRST[title]:>7.3f} {first:>12.3f} {warm:>7.3f}")
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
