"""lint: ruff, run as one subprocess over every analysed file with Vibe8's fixed rule selection.

`--isolated` makes ruff ignore every configuration file of the analysed project. ruff honours
`# noqa` comments (as `ruff check` does, so the counts match the CLI); each file's `# noqa` comments are
counted and shown beside the figures so that silencing is visible. If ruff crashes (its parser
overflows the stack on absurdly nested code), the file list is halved until the file that crashes it is
found; that file is named in `errors` and the others are still linted.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections import Counter
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruff import find_ruff_bin

from vibe8_core.collectors.base import (
    Collector,
    CollectorResult,
    CollectorSpec,
    EarlyStart,
    FileFields,
    FileSection,
    MetricsSection,
    ParsedSource,
    ProjectContext,
    ScoreDecl,
    file_field,
    measure,
)
from vibe8_core.findings import Finding, LintDetails, Severity

# Chosen for a quality dashboard: real bugs and likely bugs, not formatting taste (see docs/METRICS.md).
LINT_RULES: tuple[str, ...] = (
    "F", "E4", "E7", "E9", "W6", "B", "C4", "SIM", "PIE", "PERF", "PLE", "PLW", "BLE", "T10",
)  # fmt: skip
NOQA = re.compile(r"#\s*noqa\b", re.IGNORECASE)
MEDIUM_PREFIXES = ("F", "E9", "PLE", "B", "BLE", "invalid-syntax")
MAX_ARGS_CHARS = 100_000  # above this many characters of paths, ruff runs on successive chunks


class RuffCrashed(RuntimeError):
    """ruff exited without JSON output (a crash), for the files it was given."""


def ruff_command(paths: list[str]) -> list[str]:
    """The command line Vibe8 runs; the fidelity test runs the same one through the CLI."""
    return [
        find_ruff_bin(), "check", "--isolated", "--no-cache", "--exit-zero", "--output-format", "json",
        "--select", ",".join(LINT_RULES), "--", *paths,
    ]  # fmt: skip


def _run_ruff(root: Path, paths: list[str], timeout: float) -> list[dict[str, Any]]:
    completed = subprocess.run(
        ruff_command(paths), cwd=root, capture_output=True, text=True, timeout=timeout, check=False
    )
    try:
        return json.loads(completed.stdout) if completed.returncode == 0 else _crash(completed)
    except json.JSONDecodeError:
        return _crash(completed)


def _crash(completed: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    reason = (completed.stderr.strip().splitlines() or [f"exit code {completed.returncode}"])[-1]
    raise RuffCrashed(reason[:200])


def lint_paths(root: Path, paths: list[str], timeout: float, errors: list[str]) -> list[dict[str, Any]]:
    """ruff's diagnostics for `paths`; a crashing file is isolated by halving and named in `errors`."""
    if not paths:
        return []
    if sum(len(path) + 1 for path in paths) > MAX_ARGS_CHARS and len(paths) > 1:
        half = len(paths) // 2
        return lint_paths(root, paths[:half], timeout, errors) + lint_paths(root, paths[half:], timeout, errors)
    try:
        return _run_ruff(root, paths, timeout)
    except RuffCrashed as exc:
        if len(paths) == 1:
            errors.append(f"lint: {paths[0]}: ruff crashed on this file ({exc}); it is not linted.")
            return []
        half = len(paths) // 2
        return lint_paths(root, paths[:half], timeout, errors) + lint_paths(root, paths[half:], timeout, errors)


def _lint_early(root: Path, paths: list[str], timeout: float) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """(the paths linted, ruff's diagnostics, errors), for `collect` to take up."""
    errors: list[str] = []
    return paths, lint_paths(root, paths, timeout, errors), errors


def _severity(code: str) -> Severity:
    return "medium" if code.startswith(MEDIUM_PREFIXES) else "low"


def _finding(diagnostic: dict[str, Any]) -> Finding:
    code = diagnostic.get("code") or "invalid-syntax"
    location = diagnostic.get("location") or {}
    end = diagnostic.get("end_location") or {}
    details = LintDetails(end.get("row"), end.get("column"), diagnostic.get("url"), diagnostic.get("fix") is not None)
    line = location.get("row") or 1
    return Finding(
        "lint", code, diagnostic.get("message", ""), line, location.get("column"), _severity(code), "", details
    )


def _paths_as_ruff_names_them(paths: list[str]) -> dict[str, str]:
    """Ruff's name for each path -> the path. Ruff writes the bytes of a file name that are not UTF-8 as
    U+FFFD; names that then read the same cannot be told apart, so none of them is joined."""
    names = {path: os.fsencode(path).decode("utf-8", "replace") for path in paths}
    taken = Counter(names.values())
    return {name: path for path, name in names.items() if taken[name] == 1}


@dataclass(frozen=True)
class LintMetrics(MetricsSection):
    total: int | None = measure("lower", "sum")
    linting_score: float | None = measure("higher", "score")
    rules: tuple[str, ...] | None = measure("neither", "list")
    noqa_comments: int | None = measure("lower", "sum")


@dataclass(frozen=True)
class LintFileFields(FileFields):
    lint_count: int = file_field(0, "Lint")
    noqa_comments: int = file_field(0)


@dataclass(frozen=True)
class LintFileSection(FileSection):
    noqa: int = 0  # noqa comments in the file


class LintCollector(Collector):
    spec = CollectorSpec(
        name="lint",
        label="Lint",
        order=0,
        metrics=LintMetrics,
        files=LintFileFields,
        score=ScoreDecl("Linting", "Ruff findings per 1,000 lines, as a score; higher is better.", short="Lint"),
        per_file_rank=1,
        project_cacheable=True,
        tools=("ruff",),
        finding_label="Lint",
    )

    def analyse_file(self, source: ParsedSource) -> LintFileSection:
        return LintFileSection(sum(1 for line in source.lines if "#" in line and NOQA.search(line)))

    def start(self, early: EarlyStart) -> Future[Any] | None:
        """ruff needs only the files: it runs at once, in a thread (ruff's own process does the work)."""
        return early.in_thread(_lint_early, early.root, early.paths, early.settings.collector_timeout_s)

    def collect(self, project: ProjectContext) -> CollectorResult:
        result = CollectorResult()
        paths = [record.path for record in project.files]
        linted, diagnostics, errors = project.started_result(self.name) or ([], [], [])
        result.errors += errors
        done = set(linted)  # ruff's verdict on a file does not depend on the other files it is given
        diagnostics += lint_paths(project.root, [path for path in paths if path not in done], project.time_left(),
                                  result.errors)  # fmt: skip
        known = _paths_as_ruff_names_them(paths)
        root = project.root.resolve()
        for diagnostic in diagnostics:
            path = known.get(Path(diagnostic["filename"]).resolve().relative_to(root).as_posix())
            if path is not None:
                result.add_finding(path, _finding(diagnostic))
        noqa = {record.path: section.noqa for record, section in project.sections(self.name, LintFileSection)}
        for path in paths:
            result.files[path] = LintFileFields(len(result.findings.get(path, ())), noqa.get(path, 0))
        total = sum(len(found) for found in result.findings.values())
        result.metrics = LintMetrics(total=total, rules=LINT_RULES, noqa_comments=sum(noqa.values()))
        return result
