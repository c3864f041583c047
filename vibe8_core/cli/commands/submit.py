"""`submit`: queue an upload or a GitHub repository for a worker."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from vibe8_core.cli import study
from vibe8_core.cli.context import CliContext
from vibe8_core.jobs.submissions import AUTHOR_TYPES, Authorship

if TYPE_CHECKING:
    from vibe8_core.cli.context import Subparsers


def register(sub: Subparsers) -> None:
    submit = sub.add_parser("submit", help="queue an upload or a GitHub repository for analysis")
    submit.add_argument("--user", required=True, metavar="EMAIL")
    source = submit.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", metavar="PATH", help="a .py file or a .zip/.tar.gz/.tgz archive")
    source.add_argument("--github", metavar="URL", help="https://github.com/OWNER/REPO")
    source.add_argument("--manifest", metavar="CSV", help="a batch of sources with their labels (see README)")
    submit.add_argument("--branch", help="branch to analyse (with --github)")
    submit.add_argument("--project")
    submit.add_argument("--author-type", choices=AUTHOR_TYPES, default="human")
    submit.add_argument("--author-model")
    submit.set_defaults(handler=cmd_submit, validate=_validate)


def _validate(args: argparse.Namespace) -> str | None:
    return "--github needs --branch" if args.github and not args.branch else None


def cmd_submit(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.manifest:
        return study.cmd_submit_manifest(args, ctx)
    service = ctx.service
    user = service.users.ensure(args.user)
    who = Authorship(project_name=args.project, author_type=args.author_type, author_model=args.author_model)
    if args.file:
        job_id = service.submissions.file(user.id, Path(args.file), who)
    else:
        job_id = service.submissions.github(user.id, args.github, args.branch, who)
    print(f"Queued job {job_id}; a worker will pick it up (`python -m vibe8_core worker`).", file=sys.stderr)
    print(job_id)
    return 0
