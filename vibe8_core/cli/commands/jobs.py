"""`jobs`: list a user's jobs with their step and outcome."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from vibe8_core.cli import study
from vibe8_core.cli.context import CliContext, add_user_command, dump

if TYPE_CHECKING:
    from vibe8_core.cli.context import Subparsers


def register(sub: Subparsers) -> None:
    jobs = add_user_command(sub, "jobs", "list a user's jobs", cmd_jobs)
    jobs.add_argument("--study", metavar="NAME", help="the progress of a batch submitted as this study")


def cmd_jobs(args: argparse.Namespace, ctx: CliContext) -> int:
    user = ctx.service.users.by_email(args.user, create=False)
    if args.study:
        return study.cmd_study_jobs(args, ctx, user.id if user else None)
    jobs = ctx.service.jobs.for_user(user.id) if user else []
    if args.json:
        dump([job.to_dict() for job in jobs])
        return 0
    if not jobs:
        print("No jobs.")
    for job in jobs:
        progress = job.progress
        step = progress.get("step", "")
        files = f" {progress['files_done']}/{progress['files_total']} files" if "files_total" in progress else ""
        line = f"{job.job_id}  {job.status:<9}  {job.source_label or ''}  [{step}{files}]"
        if job.error_message:
            line += f"  error: {job.error_message}"
        if job.result_run_id:
            line += f"  run: {job.result_run_id}"
        print(line)
    return 0
