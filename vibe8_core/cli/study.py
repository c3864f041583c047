"""The command line's study commands: `submit --manifest`, `jobs --study` and `export --study`.

The command modules (commands/submit.py, jobs.py, export.py) register the options and dispatch here;
the work is done by `vibe8_core.study`. Its refusals become one-line CliErrors.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vibe8_core.cli.context import CliContext, CliError
from vibe8_core.study.batches import batch_progress
from vibe8_core.study.columns import LEVELS
from vibe8_core.study.export import FORMATS, ExportError, export_runs
from vibe8_core.study.manifest import ArchiveReader, ManifestError, submit_manifest


@contextmanager
def _refusals() -> Iterator[None]:
    try:
        yield
    except (ManifestError, ExportError) as exc:
        raise CliError(str(exc)) from None


def archive_reader(manifest: Path) -> ArchiveReader:
    """Sources named in a manifest are read relative to the manifest's folder (absolute paths as given)."""

    def read(name: str) -> bytes | None:
        path = Path(name) if Path(name).is_absolute() else manifest.parent / name
        return path.read_bytes() if path.is_file() else None

    return read


def cmd_submit_manifest(args: argparse.Namespace, ctx: CliContext) -> int:
    """Validate and queue a manifest; one line per row, then a count. Exit 0 if any row was accepted."""
    path = Path(args.manifest)
    if not path.is_file():
        raise CliError(f"{args.manifest}: no such file.")
    user = ctx.service.users.ensure(args.user)
    with _refusals():
        report = submit_manifest(ctx.db, ctx.settings, user.id, path.read_bytes(), archive_reader(path))
    for line in report.lines():
        print(line)
    queued = sum(1 for outcome in report.accepted if outcome.status == "queued")
    print(
        f"{len(report.accepted)} row(s) accepted ({queued} queued, {len(report.accepted) - queued} reused), "
        f"{len(report.refused)} refused.",
        file=sys.stderr,
    )
    return 0 if report.accepted else 2


def cmd_study_jobs(args: argparse.Namespace, ctx: CliContext, user_id: uuid.UUID | None) -> int:
    """The batch's progress in one line: done, failed, waiting and the time left."""
    progress = batch_progress(ctx.db, user_id, args.study) if user_id else None
    if progress is None or progress.total == 0:
        raise CliError(f"You have no runs or jobs in a study named {args.study!r}.")
    print(progress.describe().capitalize())
    return 0


def add_export_options(parser: argparse.ArgumentParser) -> None:
    """`export --study NAME --format csv|parquet --level run|file|function` (beside `export RUN_ID`)."""
    parser.add_argument("--study", metavar="NAME", help="export every run of this study as a research table")
    parser.add_argument("--format", choices=FORMATS, default="csv", help="table format (with --study)")
    parser.add_argument("--level", choices=LEVELS, default="run", help="one row per run, file or function")


def cmd_study_export(args: argparse.Namespace, ctx: CliContext) -> int:
    """Write the study's table to --output or stdout (Parquet only to a file or a pipe)."""
    user = ctx.service.users.by_email(args.user, create=False)
    if user is None:
        raise CliError(f"You have no runs in a study named {args.study!r}.")
    with _refusals():
        data = export_runs(ctx.db, user.id, level=args.level, fmt=args.format, study=args.study)
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"Wrote {args.output}.", file=sys.stderr)
    elif args.format == "parquet" and sys.stdout.isatty():
        raise CliError("Parquet is binary: give --output FILE or redirect the output to a file.")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
