"""Grouping runs for the Human vs AI page: by author type or by model, with per-group statistics."""

from __future__ import annotations

import pandas as pd

from vibe8_core.dashboard.stats import compare_groups, comparison_table
from vibe8_core.scoring import RAW_MEASURES, score_specs

GROUPINGS = {"author_type": "Author type", "author_model": "Model"}
_TYPE_LABELS = {"human": "Human", "ai": "AI", "unknown": "Unknown"}


def prepare_groups(runs: pd.DataFrame, grouping: str) -> pd.DataFrame:
    """Runs with a `group` column: Human / AI, or the model name (AI models marked as such)."""
    if grouping == "author_type":
        group = runs["author_type"].map(lambda value: _TYPE_LABELS.get(value, value))
    else:
        group = runs["author_model"].where(runs["author_type"] != "ai", runs["author_model"] + " (AI)")
    return runs.assign(group=group)


def metric_catalogue(kind: str) -> list[tuple[str, str, str]]:
    """(column, label, one line on what it means and which way is better) for scores or raw measures."""
    if kind == "Scores":
        return [(f"score_{spec.key}", spec.label, spec.meaning) for spec in score_specs()]
    return [
        (m.column, m.label, f"{m.meaning} {'Higher' if m.better == 'higher' else 'Lower'} is better.")
        for m in RAW_MEASURES
    ]


def group_means(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean of each score per group, columns named by the score's label (for the radar)."""
    columns = {f"score_{spec.key}": spec.label for spec in score_specs()}
    means = runs.groupby("group")[list(columns)].mean().rename(columns=columns)
    return means.dropna(axis=1, how="all")


def group_stats(runs: pd.DataFrame, group_a: str, group_b: str) -> pd.DataFrame:
    """Every score and raw measure: medians, Cliff's delta, p-value and a verdict."""
    a = runs[runs["group"] == group_a]
    b = runs[runs["group"] == group_b]
    better: dict[str, str] = {}
    comparisons = []
    for spec in score_specs():
        better[spec.label] = "higher"
        comparisons.append(compare_groups(spec.label, group_a, a[f"score_{spec.key}"], group_b, b[f"score_{spec.key}"]))
    for measure in RAW_MEASURES:
        better[measure.label] = measure.better
        comparisons.append(compare_groups(measure.label, group_a, a[measure.column], group_b, b[measure.column]))
    return comparison_table(comparisons, better)
