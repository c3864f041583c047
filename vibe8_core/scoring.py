"""Scores, grades and per-file severity, with the formulas written in docs/METRICS.md.

Every score is 0-100, higher is better. Most use one curve, `half_score`: 100 when the measured
badness is 0, 50 when it equals the collector's `half` point, tending to 0 as it grows. The curve never
goes negative and needs no clamp, so a score stays comparable however bad a project is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


def severity_components(entry: Mapping[str, Any]) -> dict[str, float]:
    """Each component of a file's severity in 0..1 (1 = worst), from its file_tree entry."""
    sloc = max(int(entry.get("sloc") or 0), 1)
    mi = entry.get("mi")
    security = {level: 0 for level in SECURITY_WEIGHTS}
    for finding in entry.get("findings", ()):
        if finding["collector"] == "security":
            security[finding["severity"]] = security.get(finding["severity"], 0) + 1
    return {
        "complexity": _saturating((entry.get("max_cc") or 1) - 5, 10.0),
        "maintainability": 0.0 if mi is None else min(1.0, max(0.0, (65.0 - mi) / 65.0)),
        "security": _saturating(security_weight(security), 5.0),
        "lint": _saturating(100.0 * entry.get("lint_count", 0) / sloc, 5.0),
        "dead_code": _saturating(entry.get("dead_code_count", 0), 5.0),
        "duplication": min(1.0, entry.get("duplicate_lines", 0) / sloc),
    }


def file_severity(entry: Mapping[str, Any]) -> float:
    """0-100, higher is worse; a file that does not parse is 100."""
    if entry.get("parse_error"):
        return 100.0
    parts = severity_components(entry)
    return round(100.0 * sum(SEVERITY_WEIGHTS[name] * value for name, value in parts.items()), 1)


def grade_for_severity(severity: float) -> str:
    return grade_for_score(100.0 - severity)
