"""`runs`, `show`, `delete`: a user's stored runs."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from vibe8_core.cli.context import CliContext, add_record_command, add_user_command, dump

if TYPE_CHECKING:
    from vibe8_core.cli.context import Subparsers


def register(sub: Subparsers) -> None:
    add_user_command(sub, "runs", "list a user's runs", cmd_runs)
    add_user_command(sub, "show", "show one of a user's runs", cmd_show).add_argument("run_id")
    add_record_command(sub, "delete", "delete one of a user's runs", "run_id", cmd_delete)


def cmd_runs(args: argparse.Namespace, ctx: CliContext) -> int:
    user = ctx.service.users.by_email(args.user, create=False)
    runs = ctx.service.runs.for_user(user.id) if user else []
    if args.json:
        dump([run.to_dict() for run in runs])
        return 0
    if not runs:
        print("No runs.")
    for run in runs:
        author = run.author_type + (f"/{run.author_model}" if run.author_model else "") if run.author_type else "?"
        print(f"{run.run_id}  {run.created_at:%Y-%m-%d %H:%M}  {run.project_name or '-'}  {author}  {run.source_label}")
    return 0


def cmd_show(args: argparse.Namespace, ctx: CliContext) -> int:
    user = ctx.service.users.existing(args.user)
    run = ctx.service.runs.open(user.id, args.run_id, with_tree=args.json)
    if args.json:
        dump(run.to_dict())
    else:
        print(f"Run {run.run_id} of {run.project_name or '-'} ({run.source_label}), {run.created_at:%Y-%m-%d %H:%M}")
        dump(run.metrics)
        for error in run.errors:
            print(f"error: {error}")
    return 0


def cmd_delete(args: argparse.Namespace, ctx: CliContext) -> int:
    user = ctx.service.users.existing(args.user)
    ctx.service.runs.delete(user.id, args.run_id)
    print(f"Deleted run {args.run_id}.")
    return 0
