"""Writing scoring's figures into a run: the stored metrics in the registry's order, with the seed's
score fields filled in by scoring.py, and every file's severity and grade.

A new run goes through here once its collectors have measured; a stored run goes through here again
when `python -m vibe8_core migrate` finds it was scored by other formulas. Collectors never write a
score: what is stored is always what the current formulas make of the stored measures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from vibe8_core import scoring
from vibe8_core.collectors import registry
from vibe8_core.collectors.base import CollectorSpec
from vibe8_core.jsonrecord import copy_with
from vibe8_core.run_data import FileEntry, FileTree, RunMetrics

# The stored fields that scoring writes and that are not a collector's score: (collector, key) -> formula.
DERIVED_FIELDS: dict[tuple[str, str], Callable[[RunMetrics, Sequence[FileEntry] | None], Any]] = {
    ("churn", "hotspot_sloc"): scoring.hotspot_sloc,
}


@dataclass(frozen=True)
class ScoredRun:
    metrics: RunMetrics
    file_tree: FileTree | None


def _score_field(spec: CollectorSpec, key: str, metrics: RunMetrics) -> Any:
    """The collector's stored score field: its score, by the formula scoring.py has for it."""
    readers = {score.key: score.read for score in scoring.score_specs()}
    if spec.name not in readers:
        raise LookupError(f"{spec.name}.{key} is declared a score field but {spec.name} declares no score")
    return readers[spec.name](metrics)


def score_run(measured: RunMetrics, file_tree: FileTree | None) -> ScoredRun:
    """The metrics and file tree to store, from the collectors' measures (stored score fields ignored)."""
    files = file_tree.files if file_tree is not None else None
    work = measured
    for (name, key), formula in DERIVED_FIELDS.items():
        section = work.section(name)
        if section is not None:
            work = work.with_section(name, section.with_values({key: formula(work, files)}))
    sections = {}
    for spec in registry.specs():
        section = work.section(spec.name)
        if section is None and spec.optional_section:
            continue  # a run stored before that collector existed (authorship): nothing made up
        section = section or spec.section_type()
        scores = {
            measure.key: _score_field(spec, measure.key, work)
            for measure in spec.measures
            if measure.aggregate == "score" and (spec.name, measure.key) not in DERIVED_FIELDS
        }
        sections[spec.name] = section.with_values(scores)
    metrics = RunMetrics(sections, work.extra)
    if file_tree is None:
        return ScoredRun(metrics, None)
    return ScoredRun(metrics, replace(file_tree, files=tuple(_scored_entry(entry) for entry in file_tree.files)))


def _scored_entry(entry: FileEntry) -> FileEntry:
    severity = scoring.file_severity(entry)
    return copy_with(entry, severity=severity, grade=scoring.grade_for_severity(severity))
