"""`retry`: put one of a user's failed jobs back in the queue."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from vibe8_core.cli.context import CliContext, add_record_command

if TYPE_CHECKING:
    from vibe8_core.cli.context import Subparsers


def register(sub: Subparsers) -> None:
    add_record_command(sub, "retry", "queue one of a user's failed jobs again", "job_id", cmd_retry)


def cmd_retry(args: argparse.Namespace, ctx: CliContext) -> int:
    user = ctx.service.users.existing(args.user)
    job = ctx.service.jobs.retry(user.id, args.job_id)
    print(f"Queued job {job.job_id} again; a worker will pick it up (`python -m vibe8_core worker`).", file=sys.stderr)
    print(job.job_id)
    return 0
