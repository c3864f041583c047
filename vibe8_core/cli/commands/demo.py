"""`demo`: queue the demo projects for a user and analyse them now."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from vibe8_core.cli.context import CliContext
from vibe8_core.demo import submit_demo
from vibe8_core.identity import resolve_cli_user
from vibe8_core.jobs.runner import JobRunner

if TYPE_CHECKING:
    from vibe8_core.cli.context import Subparsers


def register(sub: Subparsers) -> None:
    demo = sub.add_parser("demo", help="analyse the demo projects (installed packages as human, Vibe8 as ai)")
    demo.add_argument("--user", required=True, metavar="EMAIL")
    demo.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace, ctx: CliContext) -> int:
    db = ctx.db
    with db.unit_of_work() as uow:
        user = resolve_cli_user(uow, ctx.settings.auth, args.user, create=True)
        uow.commit()
    job_ids = submit_demo(db, ctx.settings, user.id)
    print(f"Queued {len(job_ids)} demo project(s); analysing them now.", file=sys.stderr)
    JobRunner(db, ctx.settings).drain()
    with db.unit_of_work() as uow:
        for job_id in job_ids:
            job = uow.jobs.get_for_owner(job_id, user.id)
            outcome = f"run {job.result_run_id}" if job.result_run_id else f"failed: {job.error_message}"
            print(f"{job.project_name}: {outcome}")
    return 0
