"""The summary stored with every run (`RunSummary`: what a history row shows) and the raw measures
compared between groups, computed from a run's metrics by scoring.py's formulas.

The summary carries `scoring_fingerprint()`, which names the formulas in force (scoring.py's and this
module's source, and the registry's declarations): a summary made by other formulas is computed afresh
when read, and `python -m vibe8_core migrate` re-scores such runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from vibe8_core import scoring
from vibe8_core.collectors import registry
from vibe8_core.collectors.authorship import AuthorshipMetrics
from vibe8_core.collectors.base import CollectorSpec
from vibe8_core.collectors.cyclomatic import CyclomaticMetrics
from vibe8_core.collectors.dead_code import DeadCodeMetrics
from vibe8_core.collectors.docs import DocsMetrics
from vibe8_core.collectors.dupes import DupesMetrics
from vibe8_core.collectors.lint import LintMetrics
from vibe8_core.collectors.mi import MiMetrics
from vibe8_core.collectors.security import SecurityMetrics
from vibe8_core.collectors.size import SizeMetrics
from vibe8_core.scoring import (
    Metrics,
    measured_share,
    number,
    parsed_sloc,
    per_ksloc,
    run_overall,
    scores_of,
    security_counts,
    sloc_of,
    typed,
)


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
    run = typed(metrics)
    sloc, parsed = sloc_of(run), parsed_sloc(run) or 0
    lint = number(run.of(LintMetrics).total)
    dead = number(run.of(DeadCodeMetrics).unused_symbols)
    levels = list(security_counts(run).values())
    sec_total = None if all(count is None for count in levels) else sum(count or 0.0 for count in levels)
    return {
        "lint_per_ksloc": None if lint is None else round(per_ksloc(lint, sloc), 2),
        "avg_cc": number(run.of(CyclomaticMetrics).avg_cc),
        "mi_avg": number(run.of(MiMetrics).mi_avg),
        "doc_pct": number(run.of(DocsMetrics).coverage_pct),
        "dead_per_ksloc": None if dead is None else round(per_ksloc(dead, parsed), 2),
        "dup_pct": number(run.of(DupesMetrics).duplicate_pct),
        "security_per_ksloc": None if sec_total is None else round(per_ksloc(sec_total, parsed), 2),
        "avg_file_sloc": number(run.of(SizeMetrics).avg_file_sloc),
    }


# -- the summary stored with every run ------------------------------------------------------------------
# Bump whenever RunSummary's fields change. A summary of another version, or made by other formulas
# (`scoring_fingerprint`), is computed afresh when read; `python -m vibe8_core migrate` re-scores such runs.
SUMMARY_VERSION = 4


@cache
def _fingerprint(specs: tuple[CollectorSpec, ...]) -> str:
    digest = hashlib.sha256(Path(scoring.__file__).read_bytes() + Path(__file__).read_bytes())
    digest.update(repr(specs).encode())
    return digest.hexdigest()[:16]


_last_fingerprint: list[tuple[object, str]] = []  # (the registry's collectors tuple, its fingerprint)


def scoring_fingerprint() -> str:
    """Names the formulas in force: this module's source and the registry's declarations. Read once per
    stored summary, so it is kept for as long as the registry's collector tuple stays the same object
    (the registry replaces that tuple whenever it changes); hashing the specs each time cost ~0.1 ms."""
    active = registry.collectors()
    if not _last_fingerprint or _last_fingerprint[0][0] is not active:
        _last_fingerprint[:] = [(active, _fingerprint(registry.specs()))]
    return _last_fingerprint[0][1]


@dataclass(frozen=True)
class RunSummary:
    """What a history row shows of a run, computed once from its metrics and stored beside them
    (`analysis_runs.summary`), so that listing thousands of runs never reads their metrics."""

    scores: dict[str, float | None]  # score_specs()' keys
    overall: float | None
    raw: dict[str, float | None]  # RAW_MEASURES' columns
    files: float | None
    sloc: float | None
    security_high: float | None
    errors: int  # how many error entries the analysis left
    measured: float = 1.0  # the share of files that parse (measured_share)
    ai_share_pct: float | None = None  # share of lines AI tools wrote (git history); None without it
    version: int = SUMMARY_VERSION
    scoring: str = ""  # scoring_fingerprint() of the formulas that made it

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> RunSummary | None:
        """The stored summary; None when it is missing, malformed or of another version (recompute it)."""
        if not isinstance(data, dict) or data.get("version") != SUMMARY_VERSION:
            return None
        if data.get("scoring") != scoring_fingerprint():
            return None
        try:
            return cls(**data)
        except TypeError:
            return None


def summarize_run(metrics: Metrics, errors: Sequence[Any]) -> RunSummary:
    run = typed(metrics)
    size = run.of(SizeMetrics)
    return RunSummary(
        scores=scores_of(run),
        overall=run_overall(run),
        raw=raw_measures_of(run),
        files=number(size.files),
        sloc=number(size.sloc),
        security_high=number(run.of(SecurityMetrics).high),
        errors=len(errors),
        measured=measured_share(run),
        scoring=scoring_fingerprint(),
        ai_share_pct=number(run.of(AuthorshipMetrics).ai_share_pct),
    )
