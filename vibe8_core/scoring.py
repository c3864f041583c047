"""Scores, grades and per-file severity, with the formulas written in docs/METRICS.md.

Every score is 0-100, higher is better. Most use one curve, `half_score`: 100 when the measured
badness is 0, 50 when it equals the collector's `half` point, tending to 0 as it grows. The curve never
goes negative and needs no clamp, so a score stays comparable however bad a project is.

Collectors measure; this module alone scores. `score_run` turns the collectors' measures and file tree
into the stored metrics (the seed's score fields written where the seed puts them) and every file's
severity and grade, for a new run and, through `python -m vibe8_core migrate`, for every stored run
after a formula changes. A run's scores are read from its metrics here too (its raw measures and the
summary stored with every run are in run_summary.py), so the engine, the store and the dashboard share
one set of formulas. Which collectors exist, and which score each has, is the
registry's to say (vibe8_core/collectors/registry.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vibe8_core.collectors import registry
from vibe8_core.collectors.base import CollectorSpec
from vibe8_core.collectors.churn import ChurnFileFields, ChurnMetrics
from vibe8_core.collectors.cyclomatic import CyclomaticFileFields, CyclomaticMetrics
from vibe8_core.collectors.dead_code import DeadCodeFileFields, DeadCodeMetrics
from vibe8_core.collectors.deps import DepsMetrics, PackageHealth
from vibe8_core.collectors.dupes import DupesFileFields, DupesMetrics
from vibe8_core.collectors.lint import LintFileFields, LintMetrics
from vibe8_core.collectors.mi import MiFileFields
from vibe8_core.collectors.security import SecurityMetrics
from vibe8_core.collectors.size import SizeFileFields, SizeMetrics
from vibe8_core.run_data import FileEntry, RunMetrics

# Grade thresholds on a 0-100 "higher is better" score: A >= 80, B >= 60, C >= 40, D >= 20, else E.
GRADE_THRESHOLDS: tuple[tuple[float, str], ...] = ((80.0, "A"), (60.0, "B"), (40.0, "C"), (20.0, "D"))
NO_GRADE = "–"

LINT_HALF_PER_KSLOC = 25.0  # lint issues per 1,000 SLOC that halve the linting score
CC_HALF_EXCESS = 5.0  # average cyclomatic complexity above 1 that halves the complexity score
DUPLICATION_HALF_PCT = 10.0  # duplicated share (%) that halves the duplication score
SECURITY_WEIGHTS = {"high": 10.0, "medium": 3.0, "low": 1.0}
SECURITY_HALF_PER_KSLOC = 10.0  # weighted security issues per 1,000 SLOC that halve the security score

# Per-file severity: weights of each component (they sum to 1) and the point where each saturates.
SEVERITY_WEIGHTS = {
    "complexity": 0.25,
    "maintainability": 0.20,
    "security": 0.20,
    "lint": 0.15,
    "dead_code": 0.10,
    "duplication": 0.10,
}
HOTSPOT_MIN_COMMITS = 5  # churn: a file changed at least this often ...
HOTSPOT_MIN_CC = 11  # ... whose most complex block has at least this complexity (radon rank C) is a hotspot


def half_score(badness: float, half: float) -> float:
    """100 / (1 + badness / half), rounded to one decimal: 100 at 0, 50 at `half`."""
    return round(100.0 / (1.0 + max(0.0, badness) / half), 1)


def grade_for_score(score: float | None) -> str:
    """Grade "A".."E" for a 0-100 score (higher is better), "–" when there is no score."""
    if score is None:
        return NO_GRADE
    for threshold, grade in GRADE_THRESHOLDS:
        if score >= threshold:
            return grade
    return "E"


def per_ksloc(count: float, sloc: int) -> float:
    return 1000.0 * count / max(sloc, 1)


def linting_score(total: int, sloc: int) -> float:
    return half_score(per_ksloc(total, sloc), LINT_HALF_PER_KSLOC)


def complexity_score(avg_cc: float) -> float:
    return half_score(avg_cc - 1.0, CC_HALF_EXCESS)


def duplication_score(duplicate_pct: float) -> float:
    return half_score(duplicate_pct, DUPLICATION_HALF_PCT)


def security_weight(counts: Mapping[str, int]) -> float:
    return sum(SECURITY_WEIGHTS[level] * counts.get(level, 0) for level in SECURITY_WEIGHTS)


def security_score(counts: Mapping[str, int], sloc: int) -> float:
    return half_score(per_ksloc(security_weight(counts), sloc), SECURITY_HALF_PER_KSLOC)


def churn_score(hotspot_sloc: int, total_sloc: int) -> float:
    """Share of the code that is *not* in a hotspot (changed often and complex), in percent."""
    if total_sloc <= 0:
        return 100.0
    return round(100.0 * (1.0 - min(hotspot_sloc, total_sloc) / total_sloc), 1)


def is_hotspot(commits: int | None, max_cc: int | None) -> bool:
    return (commits or 0) >= HOTSPOT_MIN_COMMITS and (max_cc or 0) >= HOTSPOT_MIN_CC


def _saturating(value: float, half: float) -> float:
    """0 at 0, 0.5 at `half`, tending to 1: the badness of one severity component."""
    value = max(0.0, value)
    return value / (value + half)


def _entry(entry: FileEntry | Mapping[str, Any]) -> FileEntry:
    return entry if isinstance(entry, FileEntry) else FileEntry.from_json(entry)


def severity_components(entry: FileEntry | Mapping[str, Any]) -> dict[str, float]:
    """Each component of a file's severity in 0..1 (1 = worst), from its file_tree entry."""
    file = _entry(entry)
    sloc = max(int(number(file.of(SizeFileFields).sloc) or 0), 1)
    mi = number(file.of(MiFileFields).mi)
    security = {level: 0 for level in SECURITY_WEIGHTS}
    for finding in file.findings:
        if finding.collector == "security":
            security[finding.severity] = security.get(finding.severity, 0) + 1
    return {
        "complexity": _saturating((number(file.of(CyclomaticFileFields).max_cc) or 1) - 5, 10.0),
        "maintainability": 0.0 if mi is None else min(1.0, max(0.0, (65.0 - mi) / 65.0)),
        "security": _saturating(security_weight(security), 5.0),
        "lint": _saturating(100.0 * (number(file.of(LintFileFields).lint_count) or 0) / sloc, 5.0),
        "dead_code": _saturating(number(file.of(DeadCodeFileFields).dead_code_count) or 0, 5.0),
        "duplication": min(1.0, (number(file.of(DupesFileFields).duplicate_lines) or 0) / sloc),
    }


def file_severity(entry: FileEntry | Mapping[str, Any]) -> float:
    """0-100, higher is worse; a file that does not parse is 100."""
    file = _entry(entry)
    if file.parse_error:
        return 100.0
    parts = severity_components(file)
    return round(100.0 * sum(SEVERITY_WEIGHTS[name] * value for name, value in parts.items()), 1)


def grade_for_severity(severity: float) -> str:
    return grade_for_score(100.0 - severity)


# -- a run's ten scores and raw measures, read from its stored metrics --------------------------------
DEAD_CODE_HALF_PER_KSLOC = 20.0  # unused symbols per 1,000 SLOC that halve the dead-code score
FILE_SIZE_HALF_EXCESS = 300.0  # average SLOC per file above 100 that halves the size score

# A run's metrics: typed, or as stored (read into RunMetrics once per call).
Metrics = RunMetrics | Mapping[str, Any]


def typed(metrics: Metrics) -> RunMetrics:
    return metrics if isinstance(metrics, RunMetrics) else RunMetrics.from_json(metrics)


def number(value: Any) -> float | None:
    """A stored figure as a number; None for null or anything else (an imported run may hold anything)."""
    kind = type(value)
    return float(value) if kind is float or kind is int else None


def sloc_of(metrics: Metrics) -> int:
    return int(number(typed(metrics).of(SizeMetrics).sloc) or 0)


def _stored(collector: str, key: str) -> Callable[[RunMetrics], float | None]:
    def read(metrics: RunMetrics) -> float | None:
        section = metrics.section(collector)
        return None if section is None else number(section.value(key))

    return read


def _measured_sloc(metrics: RunMetrics) -> int | None:
    """The run's SLOC, None when size was not measured (a per-KSLOC score then has no denominator)."""
    sloc = number(metrics.of(SizeMetrics).sloc)
    return None if sloc is None else int(sloc)


def parsed_files(metrics: Metrics) -> tuple[int, int] | None:
    """(files that parse, files analysed); None for a run stored before Vibe8 counted them."""
    size = typed(metrics).of(SizeMetrics)
    parsed, files = number(size.files_parsed), number(size.files)
    return None if parsed is None or files is None else (int(parsed), int(files))


def measured_share(metrics: Metrics) -> float:
    """The share of files the collectors that need parsed code could measure (1.0 when unknown)."""
    counts = parsed_files(metrics)
    return 1.0 if counts is None or counts[1] <= 0 else counts[0] / counts[1]


def parsed_sloc(metrics: RunMetrics) -> int | None:
    """The SLOC of the files that parse: the denominator of what only they were measured for."""
    sloc = number(metrics.of(SizeMetrics).sloc_parsed)
    return _measured_sloc(metrics) if sloc is None else int(sloc)


def _lint_score(metrics: RunMetrics) -> float | None:
    total = number(metrics.of(LintMetrics).total)
    sloc = _measured_sloc(metrics)
    return None if total is None or sloc is None else linting_score(int(total), sloc)


def _complexity_score(metrics: RunMetrics) -> float | None:
    avg_cc = number(metrics.of(CyclomaticMetrics).avg_cc)
    return None if avg_cc is None else complexity_score(avg_cc)


def _duplication_score(metrics: RunMetrics) -> float | None:
    pct = number(metrics.of(DupesMetrics).duplicate_pct)
    return None if pct is None else duplication_score(pct)


def security_counts(metrics: RunMetrics) -> dict[str, float | None]:
    section = metrics.of(SecurityMetrics)
    return {"high": number(section.high), "medium": number(section.medium), "low": number(section.low)}


def _security_score(metrics: RunMetrics) -> float | None:
    counts = security_counts(metrics)
    sloc = parsed_sloc(metrics)
    if sloc is None or any(count is None for count in counts.values()):
        return None
    return security_score({level: int(count or 0) for level, count in counts.items()}, sloc)


def _churn_score(metrics: RunMetrics) -> float | None:
    """None without git history; a run stored before `hotspot_sloc` existed keeps its stored score."""
    churn = metrics.of(ChurnMetrics)
    if number(churn.total_commits) is None:
        return None
    hotspot, sloc = number(churn.hotspot_sloc), _measured_sloc(metrics)
    if hotspot is None or sloc is None:
        return number(churn.churn_score)
    return churn_score(int(hotspot), sloc)


def hotspot_sloc(metrics: Metrics, files: Sequence[FileEntry] | None) -> int | None:
    """SLOC in hotspot files (changed often and complex), from the file tree; None without git history.
    Without a file tree (runs stored before trees existed), the stored figure stays."""
    churn = typed(metrics).of(ChurnMetrics)
    if number(churn.total_commits) is None:
        return None
    if files is None:
        stored = number(churn.hotspot_sloc)
        return None if stored is None else int(stored)
    return sum(
        int(number(entry.of(SizeFileFields).sloc) or 0)
        for entry in files
        if is_hotspot(entry.of(ChurnFileFields).commits, entry.of(CyclomaticFileFields).max_cc)
    )


def _dead_code_score(metrics: RunMetrics) -> float | None:
    unused = number(metrics.of(DeadCodeMetrics).unused_symbols)
    sloc = parsed_sloc(metrics)
    if unused is None or sloc is None:
        return None
    return half_score(per_ksloc(unused, sloc), DEAD_CODE_HALF_PER_KSLOC)


def _deps_score(metrics: RunMetrics) -> float | None:
    """Share of declared packages that are imported and up to date (or of unknown age), in percent;
    every third-party import that no requirements file declares counts as one more unhealthy package.
    A project that declares nothing (a bare package or script) has no score."""
    deps = metrics.of(DepsMetrics)
    health = deps.package_health or ()
    if not health:
        return None
    total = len(health) + len(deps.undeclared or ())
    healthy = sum(1 for item in health if package_status(item) in ("ok", "unknown"))
    return round(100.0 * healthy / total, 1)


def _size_score(metrics: RunMetrics) -> float | None:
    avg = number(metrics.of(SizeMetrics).avg_file_sloc)
    if avg is None:
        return None
    return half_score(max(0.0, avg - 100.0), FILE_SIZE_HALF_EXCESS)


def package_status(item: PackageHealth) -> str:
    """ok / outdated / unused / unknown for one package_health entry (old runs lack `status`)."""
    if isinstance(item.status, str):
        return item.status
    if item.imported is False:
        return "unused"
    behind = item.extra.get("behind", item.outdated)
    if behind in (None, "unknown"):
        return "unknown"
    return "outdated" if behind else "ok"


@dataclass(frozen=True)
class ScoreSpec:
    key: str  # the collector's name in `metrics`
    label: str
    meaning: str  # one line for people: what it measures and which way is better
    short: str | None  # the history table's heading (None: not a history column)
    read: Callable[[RunMetrics], float | None]

    def value(self, metrics: Metrics) -> float | None:
        return self.read(typed(metrics))


# How each built-in collector's score is computed from a run's measures (never read from a stored score
# field, so a formula change shows at once; `migrate` rewrites the stored fields). A collector whose ScoreDecl names a
# `measure` needs no entry: that measure is its score as it is.
SCORE_READERS: dict[str, Callable[[RunMetrics], float | None]] = {
    "lint": _lint_score,
    "cyclomatic": _complexity_score,
    "dead_code": _dead_code_score,
    "deps": _deps_score,
    "size": _size_score,
    "dupes": _duplication_score,
    "security": _security_score,
    "churn": _churn_score,
}


def _score_reader(spec: CollectorSpec) -> Callable[[RunMetrics], float | None]:
    """The score's formula; for a collector that measures parsed files only, none when no file parses
    (its measures would describe nothing: 0 issues in 0 functions is not a perfect score)."""
    measure = spec.score.measure if spec.score else None
    if measure is not None:
        reader = _stored(spec.name, measure)
    elif spec.name in SCORE_READERS:
        reader = SCORE_READERS[spec.name]
    else:
        raise LookupError(f"collector {spec.name} declares a score but scoring.py has no formula for it")
    if not spec.needs_parse:
        return reader
    return lambda metrics: None if measured_share(metrics) == 0.0 else reader(metrics)


def score_specs() -> tuple[ScoreSpec, ...]:
    """The run's scores, one per collector that declares one, in the registry's order."""
    return tuple(
        ScoreSpec(spec.name, spec.score.label, spec.score.meaning, spec.score.short, _score_reader(spec))
        for spec in registry.specs()
        if spec.score is not None
    )


def scores_of(metrics: Metrics) -> dict[str, float | None]:
    run = typed(metrics)
    return {spec.key: spec.read(run) for spec in score_specs()}


def run_overall(metrics: Metrics) -> float | None:
    """The run's overall score: none when no file parses (most of the code was never measured)."""
    run = typed(metrics)
    return None if measured_share(run) == 0.0 else overall_score(scores_of(run))


def overall_score(scores: Mapping[str, float | None]) -> float | None:
    """The mean of the scores the run has (a missing churn score does not count against it)."""
    present = [value for value in scores.values() if value is not None]
    return round(sum(present) / len(present), 1) if present else None
