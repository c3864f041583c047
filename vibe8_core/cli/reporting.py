"""What `analyze` (formats, gates, baseline) and the CI commands (`commands/ci.py`: diff, export,
import, badge, backup) share; the work itself is done by `vibe8_core.reports` and `store.backup`.

Reports go to stdout (or `--output`); notes for people (new findings after a machine-readable report,
broken gates) go to stderr. Exit status: 0, or 1 when a gate is broken, or 2 for a usage error.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vibe8_core.cli.context import CliContext, CliError, Handler
from vibe8_core.reports import gates
from vibe8_core.reports.baseline import Comparison, compare_findings, finding_lines, tree_of_document
from vibe8_core.reports.fingerprints import findings_of
from vibe8_core.reports.runs_io import RunFileError, read_json_file
from vibe8_core.reports.sarif import sarif_log
from vibe8_core.store import UserRecord
from vibe8_core.store.backup import BackupError
from vibe8_core.terminal import one_line

EXIT_GATE_BROKEN = 1
FORMATS = ("text", "json", "sarif")
SHOWN_NEW_FINDINGS = 200


class ReportUsageError(ValueError):
    """Options that do not fit together; one sentence, exit status 2."""


REPORT_REFUSALS: tuple[type[Exception], ...] = (gates.GateError, RunFileError, ReportUsageError, BackupError)


def refusing(handler: Handler) -> Handler:
    """The handler, with this module's refusals turned into the CLI's one-line refusal (exit status 2)."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace, ctx: CliContext) -> int:
        try:
            return handler(args, ctx)
        except REPORT_REFUSALS as exc:
            raise CliError(str(exc)) from None

    return run


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


def _user(ctx: CliContext, email: str | None) -> UserRecord:
    if not email:
        raise ReportUsageError("a run id needs --user EMAIL (whose run it is).")
    return ctx.service.users.existing(email)


def stored_tree(ctx: CliContext, raw_id: str, email: str | None) -> dict[str, Any] | None:
    """The file tree of one of the user's runs (the same refusal for missing and foreign runs)."""
    user = _user(ctx, email)  # first: a missing --user is a usage error, before any database is opened
    return ctx.service.runs.open(user.id, raw_id, with_tree=True).file_tree


def load_baseline(ctx: CliContext, raw: str, email: str | None) -> Any:
    """The baseline's file tree: a stored run (by id, owner-checked) or a JSON file."""
    path = Path(raw)
    if not path.exists():
        try:
            uuid.UUID(raw)
        except ValueError:
            raise ReportUsageError(f"{raw}: no such file, and not a run id.") from None
        return stored_tree(ctx, raw, email) or {"files": []}
    return tree_of_document(read_json_file(path), path.name)


def emit(text: str, output: str | None) -> None:
    """Write a report to `output`, or to stdout without one."""
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
    return "\n".join([head + (":" if lines else "."), *("  " + one_line(line) for line in lines)]) + "\n"


def render_report(result: Any, fmt: str, comparison: Comparison | None, render_summary: Callable[[Any], str]) -> str:
    """The analysis as text, JSON or SARIF (with baseline marks when there is a baseline)."""
    if fmt == "sarif":
        marks = comparison.marks() if comparison else None
        # Compact: json's C encoder runs only without `indent`, and a large project's SARIF is megabytes.
        return json.dumps(sarif_log(findings_of(result.file_tree), result.errors, marks), separators=(",", ":")) + "\n"
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


def run_analyze(
    args: argparse.Namespace, ctx: CliContext, analyse: Callable[[Path], Any], summary: Callable[[Any], str]
) -> int:
    """`analyze` once the folder is known to exist: gates and baseline are checked before the analysis."""
    fmt = args.format or ("json" if getattr(args, "json", False) else "text")
    spec = gate_spec(args)
    baseline = load_baseline(ctx, args.baseline, args.user) if args.baseline else None
    result = analyse(Path(args.path))
    comparison = compare_findings(findings_of(baseline), findings_of(result.file_tree)) if baseline else None
    emit(render_report(result, fmt, comparison, summary), args.output)
    if comparison is not None and (fmt != "text" or args.output):
        sys.stderr.write(_new_findings_note(comparison))
    broken = gates.broken_gates(spec, result.metrics, len(comparison.new) if comparison else None)
    for line in broken:
        print(f"vibe8: gate failed: {line}", file=sys.stderr)
    return EXIT_GATE_BROKEN if broken else 0
