"""The command line's CI commands: `analyze` with formats, gates and a baseline, and `diff`, `export`,
`import`, `badge` and `backup`. cli.py registers them; the work is done by the modules beside this one.

Reports go to stdout (or `--output`); notes for people (new findings after a machine-readable report,
broken gates) go to stderr. Exit status: 0, or 1 when a gate is broken, or 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from vibe8_core.config import Settings
from vibe8_core.identity import resolve_cli_user
from vibe8_core.reports import gates
from vibe8_core.reports.badge import badge_svg
from vibe8_core.reports.baseline import Comparison, compare_findings, diff_trees, finding_lines, tree_of_document
from vibe8_core.reports.fingerprints import findings_of
from vibe8_core.reports.runs_io import RunFileError, dumps_document, export_run, import_run, read_json_file
from vibe8_core.reports.sarif import sarif_log
from vibe8_core.reports.terminal import for_terminal
from vibe8_core.store import Database, NotFoundError, UserRecord
from vibe8_core.store.backup import BackupError, backup_database

EXIT_GATE_BROKEN = 1
FORMATS = ("text", "json", "sarif")
SHOWN_NEW_FINDINGS = 200


class ReportUsageError(ValueError):
    """Options that do not fit together; one sentence, exit status 2."""


REPORT_REFUSALS: tuple[type[Exception], ...] = (gates.GateError, RunFileError, ReportUsageError, BackupError)


class Context(Protocol):
    settings: Settings

    @property
    def db(self) -> Database: ...


def add_analyze_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default=None, help="report format (default: text)")
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.add_argument("--gate", metavar="FILE", help="read gates from a TOML file (flags override it)")
    parser.add_argument("--fail-under", metavar="GRADE", help="exit 1 if the overall grade is below GRADE (A-E)")
    parser.add_argument("--fail-under-score", metavar="KEY=N", action="append", default=[],
                        help="exit 1 if score KEY (any of the ten) is below N; repeatable")  # fmt: skip
    parser.add_argument("--fail-on-severity", metavar="LEVEL", help="exit 1 on a security finding of LEVEL "
                        "(high, medium, low) or above")  # fmt: skip
    parser.add_argument("--baseline", metavar="RUN_ID_OR_FILE", help="mark findings new/existing against a run "
                        "(needs --user), a run export or `analyze --format json` output")  # fmt: skip
    parser.add_argument("--fail-on-new", action="store_true", help="exit 1 if any finding is new (needs --baseline)")
    parser.add_argument("--user", metavar="EMAIL", help="whose run --baseline names")


def gate_spec(args: argparse.Namespace) -> gates.GateSpec:
    flags = gates.GateSpec(
        fail_under=gates.check_grade(args.fail_under) if args.fail_under else None,
        fail_under_scores=tuple(gates.parse_score_threshold(raw) for raw in args.fail_under_score),
        fail_on_severity=gates.check_severity(args.fail_on_severity) if args.fail_on_severity else None,
        fail_on_new=args.fail_on_new,
    )
    spec = gates.merged(gates.load_gate_file(Path(args.gate)), flags) if args.gate else flags
    if spec.fail_on_new and not args.baseline:
        raise ReportUsageError("--fail-on-new (or fail-on-new in the gate file) needs --baseline.")
    return spec


def _user(ctx: Context, email: str | None, *, create: bool = False) -> UserRecord:
    if not email:
        raise ReportUsageError("a run id needs --user EMAIL (whose run it is).")
    with ctx.db.unit_of_work() as uow:
        user = resolve_cli_user(uow, ctx.settings.auth, email, create=create)
        if create:
            uow.commit()
    if user is None:
        raise NotFoundError()
    return user


def _run_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise NotFoundError() from None


def _stored_tree(ctx: Context, raw_id: str, email: str | None) -> dict[str, Any] | None:
    user = _user(ctx, email)
    with ctx.db.unit_of_work() as uow:
        return uow.runs.get(_run_id(raw_id), user.id, with_tree=True).file_tree


def load_baseline(ctx: Context, raw: str, email: str | None) -> Any:
    """The baseline's file tree: a stored run (by id, owner-checked) or a JSON file."""
    path = Path(raw)
    if not path.exists():
        try:
            uuid.UUID(raw)
        except ValueError:
            raise ReportUsageError(f"{raw}: no such file, and not a run id.") from None
        return _stored_tree(ctx, raw, email) or {"files": []}
    return tree_of_document(read_json_file(path), path.name)


def _emit(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ReportUsageError(f"{output}: cannot write the report ({exc.strerror or exc}).") from None


def _new_findings_note(comparison: Comparison) -> str:
    head = (
        f"{len(comparison.new)} new finding(s) against the baseline "
        f"({len(comparison.existing)} existing, {len(comparison.fixed)} fixed)"
    )
    lines = finding_lines(list(comparison.new), SHOWN_NEW_FINDINGS)
    return "\n".join([head + (":" if lines else "."), *("  " + for_terminal(line) for line in lines)]) + "\n"


def render_report(result: Any, fmt: str, comparison: Comparison | None, render_summary: Callable[[Any], str]) -> str:
    """The analysis as text, JSON or SARIF (with baseline marks when there is a baseline)."""
    if fmt == "sarif":
        marks = comparison.marks() if comparison else None
        return json.dumps(sarif_log(findings_of(result.file_tree), result.errors, marks), indent=1) + "\n"
    if fmt == "json":
        data = result.to_dict()
        if comparison is not None:
            data["baseline"] = {
                "new": [finding.to_json() for finding in comparison.new],
                "existing": len(comparison.existing),
                "fixed": [finding.to_json() for finding in comparison.fixed],
            }
        return json.dumps(data, indent=2, default=str) + "\n"
    text = render_summary(result) + "\n"
    return text + (_new_findings_note(comparison) if comparison is not None else "")


def run_analyze(args: argparse.Namespace, ctx: Context, analyse: Callable[[Path], Any], summary: Callable) -> int:
    """`analyze` once the folder is known to exist: gates and baseline are checked before the analysis."""
    fmt = args.format or ("json" if getattr(args, "json", False) else "text")
    spec = gate_spec(args)
    baseline = load_baseline(ctx, args.baseline, args.user) if args.baseline else None
    result = analyse(Path(args.path))
    comparison = compare_findings(findings_of(baseline), findings_of(result.file_tree)) if baseline else None
    _emit(render_report(result, fmt, comparison, summary), args.output)
    if comparison is not None and (fmt != "text" or args.output):
        sys.stderr.write(_new_findings_note(comparison))
    broken = gates.broken_gates(spec, result.metrics, len(comparison.new) if comparison else None)
    for line in broken:
        print(f"vibe8: gate failed: {line}", file=sys.stderr)
    return EXIT_GATE_BROKEN if broken else 0


def cmd_diff(args: argparse.Namespace, ctx: Context) -> int:
    """New and fixed findings and complexity changes from RUN_A to RUN_B (both the user's)."""
    before = _stored_tree(ctx, args.run_a, args.user)
    after = _stored_tree(ctx, args.run_b, args.user)
    diff = diff_trees(before, after)
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
    print("\n".join(for_terminal(line) for line in out))
    return 0


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    user = _user(ctx, args.user)
    _emit(dumps_document(export_run(ctx.db, user.id, _run_id(args.run_id))), args.output)
    return 0


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    document = read_json_file(Path(args.file))
    user = _user(ctx, args.user, create=True)
    outcome = import_run(ctx.db, user.id, document)
    if not outcome.kept_id:
        print("That run id is taken in this database, so the copy has a new one.", file=sys.stderr)
    print(outcome.run_id)
    return 0


def cmd_badge(args: argparse.Namespace, ctx: Context) -> int:
    user = _user(ctx, args.user)
    with ctx.db.unit_of_work() as uow:
        run = uow.runs.get(_run_id(args.run_id), user.id)
    _emit(badge_svg(run.metrics), args.output)
    return 0


def cmd_backup(args: argparse.Namespace, ctx: Context) -> int:
    written = backup_database(ctx.settings.database.url, Path(args.file))
    print(f"Backed up the database to {written}.", file=sys.stderr)
    return 0


def _user_command(sub: Any, name: str, help_text: str, *positionals: str, output: bool = False) -> Any:
    """A subcommand on one user's runs: its positional arguments, `--user`, and `--output` if it writes a file."""
    parser = sub.add_parser(name, help=help_text)
    for positional in positionals:
        parser.add_argument(positional)
    parser.add_argument("--user", required=True, metavar="EMAIL")
    if output:
        parser.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    return parser


def add_report_commands(sub: Any) -> None:
    """The subcommands of this module, on cli.py's subparsers."""
    diff = _user_command(
        sub, "diff", "new and fixed findings, and complexity changes, between two runs", "run_a", "run_b"
    )
    diff.add_argument("--json", action="store_true")
    _user_command(sub, "export", "write one run (header, metrics, file tree, errors) as JSON", "run_id", output=True)
    _user_command(sub, "import", "store a run written by `export` as one of the user's runs", "file")
    _user_command(sub, "badge", "an SVG status badge with a run's grade and score", "run_id", output=True)
    backup = sub.add_parser("backup", help="back up the whole database (SQLite online backup, or pg_dump)")
    backup.add_argument("file")


REPORT_COMMANDS: dict[str, Callable[[argparse.Namespace, Any], int]] = {
    "diff": cmd_diff,
    "export": cmd_export,
    "import": cmd_import,
    "badge": cmd_badge,
    "backup": cmd_backup,
}
