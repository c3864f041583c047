"""The worker pool survives a worker that dies, names the file that killed it, and keeps its deadlines."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path
from typing import Any

import pytest

from vibe8_core.analysis import analyze_folder
from vibe8_core.collectors import registry
from vibe8_core.collectors.base import Collector, CollectorResult, CollectorSpec, Measure, ParsedSource, ProjectContext
from vibe8_core.collectors.workers import WORKER_GC_THRESHOLD, WorkerPool

from .conftest import offline_settings


class DictSectionCollector(Collector):
    """Declares its measures as a list and (wrongly) answers its per-file step with a plain dict."""

    spec = CollectorSpec("dict_section", "Dict", 12, measures=(Measure("n", "neither", "sum"),), per_file_rank=9)

    def analyse_file(self, source: ParsedSource) -> Any:
        return {"n": 1}

    def collect(self, project: ProjectContext) -> CollectorResult:
        return CollectorResult()


def test_a_per_file_step_must_answer_with_a_record(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    with registry.extended(DictSectionCollector()):
        result = analyze_folder(tmp_path, settings=offline_settings(workers=1), churn=False)
    expected = "dict_section: a.py: failed (TypeError: dict_section's analyse_file returned dict, not a FileSection"
    assert any(error.startswith(expected) for error in result.errors), result.errors
    assert result.metrics["dict_section"] == {"n": None}  # its record, made from its list of measures
    assert not [error for error in result.errors if not error.startswith("dict_section")]


def shout_or_die(path: str) -> str:
    """A per-file task that kills its interpreter on files named crash*, like a segfault would."""
    if path.startswith("crash"):
        os.abort()
    return path.upper()


def sleep_on_slow(path: str) -> str:
    if path == "slow":
        time.sleep(5)
    return path


def fail_on_bad(path: str) -> str:
    if path == "bad":
        raise ValueError("cannot read this one")
    return path


def run(pool: WorkerPool, function, paths: list[str], deadline_s: float = 60.0):
    results: dict[str, str] = {}
    failed, unfinished = pool.map_files(function, paths, time.monotonic() + deadline_s, results.__setitem__)
    return results, failed, unfinished


@pytest.mark.slow
def test_a_crash_costs_only_the_file_that_caused_it() -> None:
    paths = [f"f{i}" for i in range(12)]
    paths[3:3] = ["crash-one"]
    paths[9:9] = ["crash-two"]
    with WorkerPool(2) as pool:
        results, failed, unfinished = run(pool, shout_or_die, paths)
        assert results == {p: p.upper() for p in paths if not p.startswith("crash")}
        assert sorted(failed) == [
            ("crash-one", "the worker process crashed on this file"),
            ("crash-two", "the worker process crashed on this file"),
        ]
        assert unfinished == []
        assert pool.run_isolated(10, shout_or_die, "after") == "AFTER", "the pool is usable again"


def test_run_isolated_reports_a_crash_and_recovers() -> None:
    with WorkerPool(1) as pool:
        with pytest.raises(RuntimeError, match="crashed"):
            pool.run_isolated(10, shout_or_die, "crash")
        assert pool.run_isolated(10, shout_or_die, "ok") == "OK"


def test_an_exception_in_a_task_is_a_failure_of_that_file_only() -> None:
    with WorkerPool(2) as pool:
        results, failed, _ = run(pool, fail_on_bad, ["a", "bad", "b"])
    assert results == {"a": "a", "b": "b"}
    assert failed == [("bad", "ValueError: cannot read this one")]


def test_the_deadline_leaves_unfinished_files() -> None:
    pool = WorkerPool(2)
    try:
        started = time.monotonic()
        results, failed, unfinished = run(pool, sleep_on_slow, ["a", "slow", "b", "c"], deadline_s=2.0)
        assert time.monotonic() - started < 10
        assert "slow" in unfinished and failed == []
        assert set(results) | set(unfinished) == {"a", "slow", "b", "c"}
    finally:
        pool.close(wait_for_workers=False)


def always_die(path: str) -> str:
    os.abort()


@pytest.mark.slow
def test_workers_that_cannot_run_at_all_fail_fast() -> None:
    paths = [f"f{i}" for i in range(40)]
    started = time.monotonic()
    with WorkerPool(2) as pool:
        results, failed, unfinished = run(pool, always_die, paths)
    assert time.monotonic() - started < 20
    assert results == {} and unfinished == []
    reasons = dict(failed)
    assert sorted(reasons) == sorted(paths)
    assert list(reasons.values()).count("the worker process crashed on this file") == 3


@pytest.mark.parametrize(
    "refusal",
    [ConnectionRefusedError(111, "Connection refused"), EOFError("unexpected EOF")],
    ids=["forkserver-gone", "forkserver-killed-mid-start"],
)
def test_a_pool_that_cannot_take_a_task_is_rebuilt_and_the_file_retried(monkeypatch, refusal) -> None:
    """A SIGTERM to the process group kills the forkserver: the next submit is refused (ConnectionRefused),
    or, when it dies while starting a worker process, its reply ends early (EOFError)."""
    from concurrent.futures import ProcessPoolExecutor

    real_submit, refusals = ProcessPoolExecutor.submit, []

    def refuse_once(self, function, *args):
        if not refusals:
            refusals.append(args)
            raise refusal
        return real_submit(self, function, *args)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", refuse_once)
    paths = [f"f{i}" for i in range(6)]
    with WorkerPool(2) as pool:
        results, failed, unfinished = run(pool, shout_or_die, paths)
        assert refusals and results == {p: p.upper() for p in paths} and failed == [] and unfinished == []


def collector_pace() -> tuple[int, int, int]:
    return gc.get_threshold()


def test_analysis_processes_collect_garbage_at_their_own_pace_and_the_parent_at_its_own() -> None:
    """Analysis processes collect a hundred times less often than CPython's default (the attribution
    benchmark's cold ratio: 0.360 -> 0.341); the process that started them keeps its own pace."""
    before = gc.get_threshold()
    with WorkerPool(1) as pool:
        assert pool.submit(collector_pace).result(timeout=60) == (WORKER_GC_THRESHOLD, *before[1:])
    assert gc.get_threshold() == before and before[0] < WORKER_GC_THRESHOLD
