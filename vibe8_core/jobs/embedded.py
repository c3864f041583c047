"""The one job runner a serving process keeps for itself (VIBE8_EMBEDDED_WORKER=1).

`serve` starts it before the web server so the queue is worked off from the start, and shuts it
down after the server stops, handing any job in hand back to the queue. The app asks for it on
every page run too (`ensure`), which is a no-op once it runs; under a plain `streamlit run` that
first page run is what starts it, and Streamlit's exit hands its job back just the same.
"""

from __future__ import annotations

import atexit
import logging
import threading

from vibe8_core.config import Settings
from vibe8_core.jobs.runner import JobRunner
from vibe8_core.store import Database

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_S = 10.0

_lock = threading.Lock()
_runner: JobRunner | None = None


def ensure(db: Database, settings: Settings) -> JobRunner:
    """This process's runner, started on first call (later calls return the same one)."""
    global _runner
    with _lock:
        if _runner is None:
            _runner = JobRunner(db, settings, threads=settings.jobs.worker_threads)
            _runner.start()
            atexit.register(shutdown)
            log.info("embedded job runner started with %d thread(s)", _runner.threads)
        return _runner


def running() -> JobRunner | None:
    return _runner


def shutdown(grace_s: float = SHUTDOWN_GRACE_S) -> tuple[int, bool]:
    """Stop the runner, if one runs, handing its jobs back to the queue. Returns how many it handed
    back, and whether a worker thread is still busy inside a tool (its job already handed back)."""
    global _runner
    with _lock:
        runner, _runner = _runner, None
    if runner is None:
        return 0, False
    released = runner.shutdown(grace_s)
    log.info("embedded job runner stopped")
    return released, runner.alive
