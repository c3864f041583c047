"""The ten scores a run is graded on, and the raw measures people compare between groups.

Five collectors store a 0-100 score themselves (lint, cyclomatic, dupes, security, churn); docs and
mi are already 0-100 percentages; dead code, dependencies and size get one here, with the same
`half_score` curve as vibe8_core.scoring. A score a run cannot have (no git history) is None.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from vibe8_core.scoring import grade_for_score, half_score, per_ksloc

DEAD_CODE_HALF_PER_KSLOC = 20.0  # unused symbols per 1,000 SLOC that halve the dead-code score
FILE_SIZE_HALF_EXCESS = 300.0  # average SLOC per file above 100 that halves the size score

Metrics = Mapping[str, Any]


def _section(metrics: Metrics, name: str) -> Mapping[str, Any]:
    value = metrics.get(name)
    return value if isinstance(value, dict) else {}  # stored JSON: plain dicts (cheaper than Mapping)


def _number(value: Any) -> float | None:
    kind = type(value)
    return float(value) if kind is float or kind is int else None


def sloc_of(metrics: Metrics) -> int:
    return int(_number(_section(metrics, "size").get("sloc")) or 0)


def _stored(collector: str, key: str) -> Callable[[Metrics], float | None]:
    return lambda metrics: _number(_section(metrics, collector).get(key))


def _dead_code_score(metrics: Metrics) -> float | None:
    unused = _number(_section(metrics, "dead_code").get("unused_symbols"))
    if unused is None:
        return None
    return half_score(per_ksloc(unused, sloc_of(metrics)), DEAD_CODE_HALF_PER_KSLOC)


def _deps_score(metrics: Metrics) -> float | None:
    """Share of declared packages that are imported and up to date (or of unknown age), in percent;
    every third-party import that no requirements file declares counts as one more unhealthy package.
    A project that declares nothing (a bare package or script) has no score."""
    deps = _section(metrics, "deps")
    health = [item for item in deps.get("package_health") or [] if isinstance(item, dict)]
    if not health:
        return None
    undeclared = len(deps.get("undeclared") or [])
    total = len(health) + undeclared
    healthy = sum(1 for item in health if package_status(item) in ("ok", "unknown"))
    return round(100.0 * healthy / total, 1)


def _size_score(metrics: Metrics) -> float | None:
    avg = _number(_section(metrics, "size").get("avg_file_sloc"))
    if avg is None:
        return None
    return half_score(max(0.0, avg - 100.0), FILE_SIZE_HALF_EXCESS)


def package_status(item: Mapping[str, Any]) -> str:
    """ok / outdated / unused / unknown for one package_health entry (old runs lack `status`)."""
    status = item.get("status")
    if isinstance(status, str):
        return status
    if item.get("imported") is False:
        return "unused"
    behind = item.get("behind", item.get("outdated"))
    if behind in (None, "unknown"):
        return "unknown"
    return "outdated" if behind else "ok"


@dataclass(frozen=True)
class ScoreSpec:
    key: str  # the collector's name in `metrics`
    label: str
    meaning: str  # one line for people: what it measures and which way is better
    value: Callable[[Metrics], float | None]


SCORES: tuple[ScoreSpec, ...] = (
    ScoreSpec("lint", "Linting", "Ruff findings per 1,000 lines, as a score; higher is better.",
              _stored("lint", "linting_score")),
    ScoreSpec("cyclomatic", "Complexity", "Average cyclomatic complexity of functions, as a score; "
              "higher is better (simpler code).", _stored("cyclomatic", "complexity_score")),
    ScoreSpec("docs", "Docstrings", "Share of modules, classes and functions with a docstring; "
              "higher is better.", _stored("docs", "coverage_pct")),
    ScoreSpec("dead_code", "Dead code", "Unused functions, classes and variables per 1,000 lines, "
              "as a score; higher is better.", _dead_code_score),
    ScoreSpec("deps", "Dependencies", "Share of declared packages that are used and up to date; "
              "higher is better (none when nothing is declared).", _deps_score),
    ScoreSpec("mi", "Maintainability", "Average maintainability index of files (0-100); "
              "higher is better.", _stored("mi", "mi_avg")),
    ScoreSpec("size", "File size", "Average length of a file, as a score (50 at 400 lines); "
              "higher is better (smaller files).", _size_score),
    ScoreSpec("dupes", "Duplication", "Share of lines that repeat elsewhere, as a score; "
              "higher is better.", _stored("dupes", "duplication_score")),
    ScoreSpec("security", "Security", "Bandit findings weighted by severity per 1,000 lines, as a "
              "score; higher is better.", _stored("security", "security_score")),
    ScoreSpec("churn", "Churn hotspots", "Share of code outside files that change often and are "
              "complex; higher is better (needs git history).", _stored("churn", "churn_score")),
)  # fmt: skip
SCORE_BY_KEY = {spec.key: spec for spec in SCORES}


def scores_of(metrics: Metrics) -> dict[str, float | None]:
    return {spec.key: spec.value(metrics) for spec in SCORES}


def overall_score(scores: Mapping[str, float | None]) -> float | None:
    """The mean of the scores the run has (a missing churn score does not count against it)."""
    present = [value for value in scores.values() if value is not None]
    return round(sum(present) / len(present), 1) if present else None


def grade(score: float | None) -> str:
    return grade_for_score(score)


@dataclass(frozen=True)
class RawMeasure:
    """A raw measure compared between groups; counts are per 1,000 SLOC so size does not decide."""

    column: str
    label: str
    meaning: str
    better: Literal["higher", "lower"]


RAW_MEASURES: tuple[RawMeasure, ...] = (
    RawMeasure("lint_per_ksloc", "Lint findings / KLOC", "Ruff findings per 1,000 lines of code.", "lower"),
    RawMeasure("avg_cc", "Average complexity", "Mean cyclomatic complexity of a function.", "lower"),
    RawMeasure("mi_avg", "Maintainability index", "Mean maintainability index of a file (0-100).", "higher"),
    RawMeasure("doc_pct", "Docstring coverage %", "Share of definitions with a docstring.", "higher"),
    RawMeasure("dead_per_ksloc", "Dead code / KLOC", "Unused symbols per 1,000 lines of code.", "lower"),
    RawMeasure("dup_pct", "Duplicated lines %", "Share of lines repeated elsewhere in the project.", "lower"),
    RawMeasure("security_per_ksloc", "Security findings / KLOC",
               "Bandit findings (any severity) per 1,000 lines of code.", "lower"),
    RawMeasure("avg_file_sloc", "Lines per file", "Average source lines of code per file.", "lower"),
)  # fmt: skip


def raw_measures_of(metrics: Metrics) -> dict[str, float | None]:
    sloc = sloc_of(metrics)
    lint = _number(_section(metrics, "lint").get("total"))
    dead = _number(_section(metrics, "dead_code").get("unused_symbols"))
    security = _section(metrics, "security")
    sec_total = sum(_number(security.get(level)) or 0.0 for level in ("high", "medium", "low"))
    return {
        "lint_per_ksloc": None if lint is None else round(per_ksloc(lint, sloc), 2),
        "avg_cc": _number(_section(metrics, "cyclomatic").get("avg_cc")),
        "mi_avg": _number(_section(metrics, "mi").get("mi_avg")),
        "doc_pct": _number(_section(metrics, "docs").get("coverage_pct")),
        "dead_per_ksloc": None if dead is None else round(per_ksloc(dead, sloc), 2),
        "dup_pct": _number(_section(metrics, "dupes").get("duplicate_pct")),
        "security_per_ksloc": round(per_ksloc(sec_total, sloc), 2) if security else None,
        "avg_file_sloc": _number(_section(metrics, "size").get("avg_file_sloc")),
    }
