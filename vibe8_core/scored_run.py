"""Writing scoring's figures into a run: the stored metrics in the registry's order, with the seed's
score fields filled in by scoring.py, and every file's severity and grade.

A new run goes through here once its collectors have measured; a stored run goes through here again
when `python -m vibe8_core migrate` finds it was scored by other formulas. Collectors never write a
score: what is stored is always what the current formulas make of the stored measures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from vibe8_core import scoring
from vibe8_core.collectors import registry
from vibe8_core.collectors.base import CollectorSpec

FileEntries = list[dict[str, Any]]
# The stored fields that scoring writes and that are not a collector's score: (collector, key) -> formula.
DERIVED_FIELDS: dict[tuple[str, str], Callable[[scoring.Metrics, FileEntries | None], Any]] = {
    ("churn", "hotspot_sloc"): scoring.hotspot_sloc,
}


@dataclass(frozen=True)
class ScoredRun:
    metrics: dict[str, Any]
    file_tree: dict[str, Any] | None


def _tree_files(file_tree: Mapping[str, Any] | None) -> FileEntries | None:
    files = (file_tree or {}).get("files")
    return [entry for entry in files if isinstance(entry, dict)] if isinstance(files, list) else None


def _score_field(spec: CollectorSpec, key: str, metrics: scoring.Metrics) -> Any:
    """The collector's stored score field: its score, by the formula scoring.py has for it."""
    readers = {score.key: score.value for score in scoring.score_specs()}
    if spec.name not in readers:
        raise LookupError(f"{spec.name}.{key} is declared a score field but {spec.name} declares no score")
    return readers[spec.name](metrics)


def _laid_out(spec: CollectorSpec, measured: Mapping[str, Any], derived: Mapping[str, Any]) -> dict[str, Any]:
    """The section in declared order; keys a collector wrote beyond its declaration are kept after them."""
    section = {
        measure.key: derived[measure.key] if measure.aggregate == "score" else measured.get(measure.key)
        for measure in spec.measures
    }
    section.update({key: value for key, value in measured.items() if key not in section})
    return section


def score_run(measured: Mapping[str, Any], file_tree: dict[str, Any] | None) -> ScoredRun:
    """The metrics and file tree to store, from the collectors' measures (stored score fields ignored).
    The file tree's entries get their severity and grade in place (it is large: no copy is made)."""
    work: dict[str, Any] = {name: dict(section) if isinstance(section, dict) else section
                            for name, section in measured.items()}  # fmt: skip
    files = _tree_files(file_tree)
    for (name, key), formula in DERIVED_FIELDS.items():
        if isinstance(work.get(name), dict):
            work[name][key] = formula(work, files)
    metrics: dict[str, Any] = {}
    for spec in registry.specs():
        if spec.name not in work and spec.optional_section:
            continue  # a run stored before that collector existed (authorship): nothing made up
        section = work.get(spec.name)
        section = section if isinstance(section, dict) else {}
        derived = {
            measure.key: section.get(measure.key) if (spec.name, measure.key) in DERIVED_FIELDS
            else _score_field(spec, measure.key, work)
            for measure in spec.measures if measure.aggregate == "score"
        }  # fmt: skip
        metrics[spec.name] = _laid_out(spec, section, derived)
    metrics.update({name: section for name, section in work.items() if name not in metrics})
    for entry in files or ():
        entry["severity"] = scoring.file_severity(entry)
        entry["grade"] = scoring.grade_for_severity(entry["severity"])
    return ScoredRun(metrics, file_tree)
