"""`retry`: put one of a user's failed jobs back in the queue."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from vibe8_core.cli.context import CliContext

if TYPE_CHECKING:
    from vibe8_core.cli.context import Subparsers


def register(sub: Subparsers) -> None:
    retry = sub.add_parser("retry", help="queue one of a user's failed jobs again")
    retry.add_argument("job_id")
    retry.add_argument("--user", required=True, metavar="EMAIL")
    retry.set_defaults(handler=cmd_retry)


def cmd_retry(args: argparse.Namespace, ctx: CliContext) -> int:
    user = ctx.service.users.existing(args.user)
    job = ctx.service.jobs.retry(user.id, args.job_id)
    print(f"Queued job {job.job_id} again; a worker will pick it up (`python -m vibe8_core worker`).", file=sys.stderr)
    print(job.job_id)
    return 0
