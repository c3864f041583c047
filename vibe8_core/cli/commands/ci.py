"""`diff`, `export`, `import`, `badge`, `backup`: comparing, moving and showing runs, and backing up the
database (docs/CI.md, docs/OPERATIONS.md). Reports go to stdout or `--output FILE`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from vibe8_core.cli import study
from vibe8_core.cli.context import CliContext, CliError, Handler
from vibe8_core.cli.reporting import emit, refusing, stored_tree
from vibe8_core.reports.badge import badge_svg
from vibe8_core.reports.baseline import diff_trees, finding_lines
from vibe8_core.reports.runs_io import dumps_document, export_run, import_run, read_json_file
from vibe8_core.service import parse_run_id
from vibe8_core.store.backup import backup_database
from vibe8_core.terminal import one_line

if TYPE_CHECKING:
    from vibe8_core.cli.context import Subparsers


def _user_command(
    sub: Subparsers, name: str, help_text: str, handler: Handler, *positionals: str, output: bool = False
) -> argparse.ArgumentParser:
    """A command on one user's runs: its positional arguments, `--user`, and `--output` if it writes a file."""
    parser = sub.add_parser(name, help=help_text)
    for positional in positionals:
        parser.add_argument(positional)
    parser.add_argument("--user", required=True, metavar="EMAIL")
    if output:
        parser.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    parser.set_defaults(handler=refusing(handler))
    return parser


def register(sub: Subparsers) -> None:
    diff = _user_command(sub, "diff", "new and fixed findings, and complexity changes, between two runs",
                         cmd_diff, "run_a", "run_b")  # fmt: skip
    diff.add_argument("--json", action="store_true")
    export = _user_command(sub, "export", "write one run (header, metrics, file tree, errors) as JSON, or with "
                           "--study a study as a research table (docs/DATA.md)", cmd_export, output=True)  # fmt: skip
    export.add_argument("run_id", nargs="?", help="the run to write as JSON (omit with --study)")
    study.add_export_options(export)
    _user_command(sub, "import", "store a run written by `export` as one of the user's runs", cmd_import, "file")
    _user_command(sub, "badge", "an SVG status badge with a run's grade and score", cmd_badge, "run_id", output=True)
    backup = sub.add_parser("backup", help="back up the whole database (SQLite online backup, or pg_dump)")
    backup.add_argument("file")
    backup.set_defaults(handler=refusing(cmd_backup))


def cmd_diff(args: argparse.Namespace, ctx: CliContext) -> int:
    """New and fixed findings and complexity changes from RUN_A to RUN_B (both the user's)."""
    diff = diff_trees(stored_tree(ctx, args.run_a, args.user), stored_tree(ctx, args.run_b, args.user))
    if args.json:
        sys.stdout.write(json.dumps(diff.to_json(), indent=2) + "\n")
        return 0
    comparison = diff.comparison
    new, fixed, same = len(comparison.new), len(comparison.fixed), len(comparison.existing)
    out = [f"{new} new, {fixed} fixed, {same} unchanged finding(s)."]
    for title, found in (("New", comparison.new), ("Fixed", comparison.fixed)):
        out += [f"{title}:"] + [f"  {line}" for line in finding_lines(list(found), with_text=True)]
    if diff.complexity:
        out.append("Complexity changes (before -> after):")
        for change in diff.complexity:
            was = "-" if change.before is None else change.before
            now = "-" if change.after is None else change.after
            out.append(f"  {change.path}: {change.kind} {change.name}: {was} -> {now}")
    print("\n".join(one_line(line) for line in out))
    return 0


def cmd_export(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.study:
        return study.cmd_study_export(args, ctx)
    if not args.run_id:
        raise CliError("Name the run to export (RUN_ID), or a study with --study NAME.")
    user = ctx.service.users.existing(args.user)
    emit(dumps_document(export_run(ctx.service.db, user.id, parse_run_id(args.run_id))), args.output)
    return 0


def cmd_import(args: argparse.Namespace, ctx: CliContext) -> int:
    document = read_json_file(Path(args.file))
    user = ctx.service.users.ensure(args.user)
    outcome = import_run(ctx.service.db, user.id, document)
    if not outcome.kept_id:
        print("That run id is taken in this database, so the copy has a new one.", file=sys.stderr)
    print(outcome.run_id)
    return 0


def cmd_badge(args: argparse.Namespace, ctx: CliContext) -> int:
    user = ctx.service.users.existing(args.user)
    emit(badge_svg(ctx.service.runs.open(user.id, args.run_id).metrics), args.output)
    return 0


def cmd_backup(args: argparse.Namespace, ctx: CliContext) -> int:
    written = backup_database(ctx.settings.database.url, Path(args.file))
    print(f"Backed up the database to {written}.", file=sys.stderr)
    return 0
