"""`demo`: queue the demo projects for a user and analyse them now."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from vibe8_core.cli.context import CliContext

if TYPE_CHECKING:
    from vibe8_core.cli.context import Subparsers


def register(sub: Subparsers) -> None:
    demo = sub.add_parser("demo", help="analyse the demo projects (installed packages as human, Vibe8 as ai)")
    demo.add_argument("--user", required=True, metavar="EMAIL")
    demo.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace, ctx: CliContext) -> int:
    user = ctx.service.users.ensure(args.user)
    print("Queueing the demo projects and analysing them now.", file=sys.stderr)
    for job in ctx.service.demo.run_now(user.id):
        outcome = f"run {job.result_run_id}" if job.result_run_id else f"failed: {job.error_message}"
        print(f"{job.project_name}: {outcome}")
    return 0
