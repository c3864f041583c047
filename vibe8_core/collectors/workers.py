"""Per-file work in a pool of worker processes, surviving a worker that dies on a hostile file.

`analyse_file` reads, decodes and parses a file once and runs every per-file collector on it, each
failure becoming an error entry. `WorkerPool` keeps at most `workers + 1` files in flight; when the
pool breaks (a worker crashed), the files that were in flight are retried one at a time in a fresh
pool, which names the file that killed it and costs only that file.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from vibe8_core.collectors import registry
from vibe8_core.collectors.base import Collector, FileRecord, FileSection
from vibe8_core.collectors.files import read_source
from vibe8_core.collectors.limits import enter_worker

MAX_CRASHES_IN_A_ROW = 3


class FileTimeLimit(BaseException):
    """One file has used its time; a BaseException, so the tools' `except Exception` let it through."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise FileTimeLimit

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:200]


def _section_json(collector: Collector, section: object) -> dict[str, Any] | None:
    """A per-file section as it crosses back to the parent: its record's JSON."""
    if section is None:
        return None
    if not isinstance(section, FileSection):
        raise TypeError(
            f"{collector.name}'s analyse_file returned {type(section).__name__}, not a FileSection record "
            "(collectors/base.py)"
        )
    return section.to_json()


def analyse_file(root: str, path: str, timeout_s: float, max_bytes: int) -> dict[str, Any]:
    """Run in a worker: every per-file collector's section for one file, as a FileRecord dict."""
    record = FileRecord(path, None, {})
    size = (Path(root) / path).stat().st_size
    if size > max_bytes:
        record.parse_error = f"too large to analyse ({size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB)"
        return record.to_dict()
    steps = registry.per_file_collectors()
    names = [collector.name for collector in steps]
    with _time_limit(timeout_s):
        try:
            source = read_source(Path(root), path)
            record.parse_error = source.parse_error
            for collector in steps:
                try:
                    record.sections[collector.name] = _section_json(collector, collector.analyse_file(source))
                except Exception as exc:  # noqa: BLE001 - one collector's failure on one file is an error entry
                    record.sections[collector.name] = None
                    record.errors.append(f"{collector.name}: {path}: failed ({_describe(exc)}).")
        except FileTimeLimit:
            skipped = [name for name in names if name not in record.sections]
            record.errors.append(
                f"{path}: per-file metrics ran past the {timeout_s:g} s limit; not measured: {', '.join(skipped)}."
            )
        except MemoryError:
            record.errors.append(
                f"{path}: skipped: analysing it needs more memory than an analysis process may use "
                "(VIBE8_PROCESS_MAX_MB)."
            )
        except (OSError, RecursionError) as exc:
            record.errors.append(f"{path}: could not be analysed ({_describe(exc)}).")
    return record.to_dict()


# Allocations between two young-generation collections in an analysis process (CPython's default: 700).
# A file's step allocates hundreds of thousands of objects (syntax trees, vulture's and bandit's visits)
# while the file's own tree is alive, and every collection walks them; almost none of it is cyclic garbage,
# so collecting a hundred times less often saves CPU, and memory stays bounded by the process's limit.
WORKER_GC_THRESHOLD = 70_000


def _enter_worker(owner_pid: int, max_mb: int, collectors: tuple[str, ...]) -> None:
    """Initializer of every analysis process: its limits, its collector pace, and the collectors the parent's
    registry adds."""
    enter_worker(owner_pid, max_mb)
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
    registry.install(collectors)


def _submit(executor: ProcessPoolExecutor, function: Callable[..., Any], *args: Any) -> Future[Any]:
    """executor.submit, where a pool that cannot take the task (it broke, or its forkserver is gone:
    a SIGTERM to the process group kills it) gives a future failed with BrokenProcessPool, so the
    task is retried in a fresh pool like one lost in a crash. A forkserver killed while it was starting
    a worker process ends its reply early: EOFError."""
    try:
        return executor.submit(function, *args)
    except (BrokenProcessPool, OSError, EOFError) as exc:
        lost: Future[Any] = Future()
        lost.set_exception(BrokenProcessPool(f"the pool could not take the task ({exc})"))
        return lost


class WorkerPool:
    """A ProcessPoolExecutor (forkserver: safe beside threads) that is rebuilt whenever it breaks."""

    def __init__(self, workers: int, max_mb: int = 0) -> None:
        self.workers = max(1, workers)
        self.max_mb = max_mb  # each process's memory limit (collectors/limits.py); 0: none
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload([__name__])
                self._executor = ProcessPoolExecutor(
                    self.workers,
                    mp_context=context,
                    initializer=_enter_worker,
                    initargs=(os.getpid(), self.max_mb, registry.extra_paths()),
                )
            return self._executor

    def _discard(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:
                self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)

    def close(self, wait_for_workers: bool = True) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=wait_for_workers, cancel_futures=True)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close(wait_for_workers=exc_info[0] is None)

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        """function(*args) in a worker, now; the future fails with BrokenProcessPool if the pool breaks."""
        return self._pool().submit(function, *args)

    def run_isolated(self, timeout: float, function: Callable[..., Any], *args: Any) -> Any:
        """function(*args) in a worker; RuntimeError if the worker dies, TimeoutError past `timeout`."""
        executor = self._pool()
        future = _submit(executor, function, *args)
        try:
            return future.result(timeout=timeout)
        except BrokenProcessPool:
            self._discard(executor)
            raise RuntimeError("the worker process crashed") from None
        except TimeoutError:
            future.cancel()
            raise TimeoutError(f"no answer within {timeout:g} s") from None

    def map_files(
        self,
        function: Callable[[str], Any],
        paths: list[str],
        deadline: float,
        on_result: Callable[[str, Any], None],
    ) -> tuple[list[tuple[str, str]], list[str]]:
        """on_result(path, function(path)) for every path, in workers.

        Returns the paths that failed with the reason (a crashed worker, an exception), and the paths
        not done by `deadline`. When MAX_CRASHES_IN_A_ROW files alone each kill a fresh worker, the
        workers themselves cannot run (not the files): the rest fail at once instead of one by one.
        """
        pending, suspects = deque(paths), deque[str]()
        failed: list[tuple[str, str]] = []
        in_flight: dict[Future[Any], str] = {}
        isolating, crashes_in_a_row = False, 0
        executor = self._pool()
        while pending or suspects or in_flight:
            if suspects and not in_flight:  # retry the files lost with a broken pool, one at a time
                isolating = True
                path = suspects.popleft()
                in_flight[_submit(executor, function, path)] = path
            while not isolating and pending and len(in_flight) <= self.workers:
                path = pending.popleft()
                in_flight[_submit(executor, function, path)] = path
            done, _ = wait(in_flight, timeout=max(0.0, deadline - time.monotonic()), return_when=FIRST_COMPLETED)
            if not done:
                return failed, [*in_flight.values(), *suspects, *pending]
            lost = self._collect(done, in_flight, on_result, failed)
            if len(lost) < len(done):  # a file came back (with a result or an exception): workers can run
                crashes_in_a_row = 0
            elif isolating:
                crashes_in_a_row += 1
            if lost:
                lost += in_flight.values()
                in_flight.clear()
                self._discard(executor)
                executor = self._pool()
                if isolating:
                    failed += [(path, "the worker process crashed on this file") for path in lost]
                else:
                    suspects.extend(lost)
            if crashes_in_a_row >= MAX_CRASHES_IN_A_ROW:
                failed += [(path, "not analysed: the worker processes keep crashing") for path in (*suspects, *pending)]
                return failed, []
            if not in_flight:
                isolating = False
        return failed, []

    @staticmethod
    def _collect(
        done: set[Future[Any]],
        in_flight: dict[Future[Any], str],
        on_result: Callable[[str, Any], None],
        failed: list[tuple[str, str]],
    ) -> list[str]:
        """Hand finished results on, note failures; return the paths lost because the pool broke."""
        lost = []
        for future in done:
            path = in_flight.pop(future)
            try:
                result = future.result()
            except BrokenProcessPool:
                lost.append(path)
            except Exception as exc:  # noqa: BLE001 - a failure on one file must not stop the others
                failed.append((path, _describe(exc)))
            else:
                on_result(path, result)
        return lost
