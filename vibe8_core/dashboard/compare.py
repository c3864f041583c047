"""Grouping runs for the Human vs AI page: by author type or by model, with per-group statistics."""

from __future__ import annotations

import pandas as pd

from vibe8_core.dashboard.charts import group_colours
from vibe8_core.dashboard.stats import compare_groups, comparison_table
from vibe8_core.jobs.submissions import HUMAN_AUTHOR
from vibe8_core.scoring import RAW_MEASURES, score_specs

GROUPINGS = {"author_type": "Author type", "author_model": "Author or model"}
_TYPE_LABELS = {"human": "Human", "ai": "AI"}
_UNNAMED = (None, "", "unknown")


def type_group(author_type: str | None) -> str:
    return _TYPE_LABELS.get(author_type or "", "Unknown")


def model_group(author_type: str | None, author_model: str | None) -> str:
    """An AI run's model marked "(AI)"; human runs are "Human" unless a person is named, and never
    look like a model ("developer" is the seed's word for any human, not a model)."""
    if author_type == "ai":
        return f"{author_model if author_model not in _UNNAMED else 'unnamed model'} (AI)"
    if author_type == "human":
        return "Human" if author_model in (*_UNNAMED, HUMAN_AUTHOR) else f"{author_model} (human)"
    return "Unknown"


def prepare_groups(runs: pd.DataFrame, grouping: str) -> pd.DataFrame:
    """Runs with a `group` column: Human / AI, or per AI model and named human."""
    if grouping == "author_type":
        group = runs["author_type"].map(type_group)
    else:
        group = [model_group(kind, model) for kind, model in _authors(runs)]
    return runs.assign(group=group)


def _authors(runs: pd.DataFrame) -> zip[tuple[str, str]]:
    return zip(runs["author_type"], runs["author_model"], strict=True)


def group_palette(runs: pd.DataFrame) -> dict[str, str]:
    """A colour for every group label either grouping can produce from these runs (pass all of the
    user's runs, not a filtered few): a group keeps its colour across groupings and filters."""
    labels = {type_group(kind) for kind in runs["author_type"]}
    labels |= {model_group(kind, model) for kind, model in _authors(runs)}
    return group_colours(sorted(labels))


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
