"""`worker`: claim and run queued jobs until stopped (or, with --drain, until none is pending)."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import TYPE_CHECKING, Any

from vibe8_core.cli.context import CliContext
from vibe8_core.jobs.runner import JobRunner

if TYPE_CHECKING:
    from vibe8_core.cli.context import Subparsers


def register(sub: Subparsers) -> None:
    worker = sub.add_parser("worker", help="run the job worker")
    worker.add_argument("--threads", type=int, default=None)
    worker.add_argument("--drain", action="store_true", help="exit once nothing is pending")
    worker.set_defaults(handler=cmd_worker)


def cmd_worker(args: argparse.Namespace, ctx: CliContext) -> int:
    db, settings = ctx.db, ctx.settings
    runner = JobRunner(db, settings, threads=args.threads)
    if args.drain:
        runner.maintain(force=True)
        done = runner.drain()
        print(f"Processed {done} job(s); nothing is pending.")
        return 0
    stops = {"count": 0}

    def _on_signal(signum: int, _frame: Any) -> None:
        stops["count"] += 1
        runner.stop_event.set()
        if stops["count"] > 1:
            runner.abandon_event.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    runner.start()
    print(
        f"Worker running with {runner.threads} thread(s); Ctrl-C stops after the current job.",
        file=sys.stderr,
    )
    while runner.alive:
        runner.stop_event.wait(0.5)
    runner.stop()
    return 0
