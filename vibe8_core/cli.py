"""`python -m vibe8_core ...`: the same operations the app uses, for the shell and for workers.

Every refusal is one line on stderr and a non-zero exit; findings in an analysis are not failures.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError

from vibe8_core.analysis import NoPythonFilesError, analyze_folder, render_summary
from vibe8_core.auth import AuthError
from vibe8_core.config import ConfigError, Settings, load_settings
from vibe8_core.demo import DemoError, submit_demo
from vibe8_core.identity import resolve_cli_user
from vibe8_core.jobs.runner import JobRunner
from vibe8_core.jobs.submissions import (
    AUTHOR_TYPES,
    Authorship,
    SubmissionError,
    submit_github,
    submit_upload,
)
from vibe8_core.sources import SourceError
from vibe8_core.store import AccessError, Database, DatabaseUnavailableError, NotFoundError, UserRecord
from vibe8_core.store.migrate import require_current_schema, upgrade

EXIT_REFUSED = 2
REFUSALS = (
    ConfigError,
    DatabaseUnavailableError,
    SubmissionError,
    SourceError,
    NoPythonFilesError,
    AuthError,
    DemoError,
)


class CliError(Exception):
    """A refusal for the command line: printed as one line."""


class CliContext:
    """The settings, and the database opened (and checked) on first use and closed at exit."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = Database(self.settings.database)
            require_current_schema(self._db)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


def _dump(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def cmd_migrate(args: argparse.Namespace, ctx: CliContext) -> int:
    """Upgrade the schema, then store a current summary on every run that lacks one (older rows, or
    summaries of an older version after an upgrade changed a score's formula)."""
    db = Database(ctx.settings.database)
    try:
        db.check_connection()
        upgrade(ctx.settings.database.url)
        with db.unit_of_work() as uow:
            refreshed = uow.runs.refresh_summaries()
            uow.commit()
    finally:
        db.dispose()
    print("Database schema is up to date.")
    if refreshed:
        print(f"Stored the summary of {refreshed:,} run(s).")
    return 0


def cmd_analyze(args: argparse.Namespace, ctx: CliContext) -> int:
    path = Path(args.path)
    if not path.exists():
        raise CliError(f"{args.path}: no such file or folder.")
    if not path.is_dir():
        raise CliError(f"{args.path}: analyze takes a folder (submit a single file with `submit --file`).")
    result = analyze_folder(path, settings=ctx.settings.engine, churn=not args.no_churn)
    if args.json:
        _dump(result.to_dict())
    else:
        print(render_summary(result))
    return 0


def cmd_submit(args: argparse.Namespace, ctx: CliContext) -> int:
    db, settings = ctx.db, ctx.settings
    with db.unit_of_work() as uow:
        user = resolve_cli_user(uow, settings.auth, args.user, create=True)
        uow.commit()
    who = Authorship(project_name=args.project, author_type=args.author_type, author_model=args.author_model)
    if args.file:
        path = Path(args.file)
        if not path.is_file():
            raise CliError(f"{args.file}: no such file.")
        job_id = submit_upload(db, settings, user.id, path.name, path.read_bytes(), who)
    else:
        job_id = submit_github(db, settings, user.id, args.github, args.branch, who)
    print(f"Queued job {job_id}; a worker will pick it up (`python -m vibe8_core worker`).", file=sys.stderr)
    print(job_id)
    return 0


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


def _user_or_none(ctx: CliContext, email: str) -> UserRecord | None:
    with ctx.db.unit_of_work() as uow:
        return resolve_cli_user(uow, ctx.settings.auth, email, create=False)


def cmd_jobs(args: argparse.Namespace, ctx: CliContext) -> int:
    db = ctx.db
    user = _user_or_none(ctx, args.user)
    with db.unit_of_work() as uow:
        jobs = uow.jobs.list_for_user(user.id) if user else []
    if args.json:
        _dump([job.to_dict() for job in jobs])
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


def cmd_runs(args: argparse.Namespace, ctx: CliContext) -> int:
    db = ctx.db
    user = _user_or_none(ctx, args.user)
    with db.unit_of_work() as uow:
        runs = uow.runs.list_for_user(user.id, limit=None) if user else []
    if args.json:
        _dump([run.to_dict() for run in runs])
        return 0
    if not runs:
        print("No runs.")
    for run in runs:
        author = run.author_type + (f"/{run.author_model}" if run.author_model else "") if run.author_type else "?"
        print(f"{run.run_id}  {run.created_at:%Y-%m-%d %H:%M}  {run.project_name or '-'}  {author}  {run.source_label}")
    return 0


def _run_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise NotFoundError() from None


def cmd_show(args: argparse.Namespace, ctx: CliContext) -> int:
    db = ctx.db
    user = _user_or_none(ctx, args.user)
    if user is None:
        raise NotFoundError()
    with db.unit_of_work() as uow:
        run = uow.runs.get(_run_id(args.run_id), user.id, with_tree=args.json)
    if args.json:
        _dump(run.to_dict())
    else:
        print(f"Run {run.run_id} of {run.project_name or '-'} ({run.source_label}), {run.created_at:%Y-%m-%d %H:%M}")
        _dump(run.metrics)
        for error in run.errors:
            print(f"error: {error}")
    return 0


def cmd_delete(args: argparse.Namespace, ctx: CliContext) -> int:
    db = ctx.db
    user = _user_or_none(ctx, args.user)
    if user is None:
        raise NotFoundError()
    with db.unit_of_work() as uow:
        uow.runs.delete(_run_id(args.run_id), user.id)
        uow.commit()
    print(f"Deleted run {args.run_id}.")
    return 0


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m vibe8_core", description="Vibe8 code-quality analysis")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create or upgrade the database schema")
    analyze = sub.add_parser("analyze", help="analyse a folder and print the result")
    analyze.add_argument("path")
    analyze.add_argument("--json", action="store_true", help="print {metrics, file_tree, errors} as JSON")
    analyze.add_argument("--no-churn", action="store_true", help="skip the git history")
    submit = sub.add_parser("submit", help="queue an upload or a GitHub repository for analysis")
    submit.add_argument("--user", required=True, metavar="EMAIL")
    source = submit.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", metavar="PATH", help="a .py file or a .zip/.tar.gz/.tgz archive")
    source.add_argument("--github", metavar="URL", help="https://github.com/OWNER/REPO")
    submit.add_argument("--branch", help="branch to analyse (with --github)")
    submit.add_argument("--project")
    submit.add_argument("--author-type", choices=AUTHOR_TYPES, default="human")
    submit.add_argument("--author-model")
    worker = sub.add_parser("worker", help="run the job worker")
    worker.add_argument("--threads", type=int, default=None)
    worker.add_argument("--drain", action="store_true", help="exit once nothing is pending")
    for name in ("jobs", "runs"):
        listing = sub.add_parser(name, help=f"list a user's {name}")
        listing.add_argument("--user", required=True, metavar="EMAIL")
        listing.add_argument("--json", action="store_true")
    show = sub.add_parser("show", help="show one of a user's runs")
    show.add_argument("run_id")
    show.add_argument("--user", required=True, metavar="EMAIL")
    show.add_argument("--json", action="store_true")
    delete = sub.add_parser("delete", help="delete one of a user's runs")
    delete.add_argument("run_id")
    delete.add_argument("--user", required=True, metavar="EMAIL")
    demo = sub.add_parser("demo", help="analyse the demo projects (installed packages as human, Vibe8 as ai)")
    demo.add_argument("--user", required=True, metavar="EMAIL")
    return parser


COMMANDS: dict[str, Callable[[argparse.Namespace, CliContext], int]] = {
    "migrate": cmd_migrate,
    "analyze": cmd_analyze,
    "submit": cmd_submit,
    "worker": cmd_worker,
    "jobs": cmd_jobs,
    "runs": cmd_runs,
    "show": cmd_show,
    "delete": cmd_delete,
    "demo": cmd_demo,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "submit" and args.github and not args.branch:
        _parser().error("--github needs --branch")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    ctx: CliContext | None = None
    try:
        ctx = CliContext(load_settings())
        return COMMANDS[args.command](args, ctx)
    except AccessError as exc:
        print(f"vibe8: {exc.public_message}", file=sys.stderr)
    except (CliError, *REFUSALS) as exc:
        print(f"vibe8: {exc}", file=sys.stderr)
    except DBAPIError as exc:  # the database went away mid-command
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        print(f"vibe8: the database failed during the command: {reason}", file=sys.stderr)
    finally:
        if ctx is not None:
            ctx.close()
    return EXIT_REFUSED
