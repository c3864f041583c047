"""Grouping runs for the Human vs AI page and the study report, and the per-metric comparison tables.

The numbers come from `vibe8_core.statistics`; this module only decides which runs form a group, which
metrics are compared (the ten scores and every raw measure, counts per 1,000 lines), and how a result
reads in a table.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from vibe8_core.dashboard.charts import group_colours
from vibe8_core.jobs.submissions import HUMAN_AUTHOR
from vibe8_core.run_summary import RAW_MEASURES, RawMeasure
from vibe8_core.scoring import score_specs
from vibe8_core.statistics import (
    MIN_RUNS_FOR_CONFIDENCE,
    MIN_RUNS_FOR_TEST,
    MedianCI,
    PairedSamples,
    TwoSamples,
    compare_paired,
    compare_two,
    paired_with_holm,
    with_holm,
)

GROUPINGS = {"author_type": "Author type", "author_model": "Author or model"}
_TYPE_LABELS = {"human": "Human", "ai": "AI"}
_UNNAMED = (None, "", "unknown")
NO_VALUE = "–"
# Statistics that are missing where a test was not run: float columns (NaN), never the object None.
_STATISTICS = ("U", "p-value", "p (Holm)", "Cliff's delta", "Wilcoxon W")


SECURITY_HIGH = RawMeasure(
    "security_high_per_ksloc",
    "High-severity security / KLOC",
    "Bandit findings of high severity per 1,000 lines.",
    "lower",
)


def compared_metrics() -> tuple[RawMeasure, ...]:
    """Every score the registry declares (higher is better) and every raw measure, plus high-severity
    security findings per 1,000 lines."""
    return (
        *(RawMeasure(f"score_{spec.key}", spec.label, spec.meaning, "higher") for spec in score_specs()),
        *RAW_MEASURES,
        SECURITY_HIGH,
    )


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
    """Runs with a `group` column (Human / AI, or per AI model and named human) and the
    per-1,000-line figures the summaries hold only as counts."""
    if grouping == "author_type":
        group = runs["author_type"].map(type_group)
    else:
        group = [model_group(kind, model) for kind, model in _authors(runs)]
    sloc = runs["sloc"].where(runs["sloc"] > 0)
    return runs.assign(group=group, security_high_per_ksloc=(1000.0 * runs["security_high"] / sloc).round(2))


def ordered_groups(runs: pd.DataFrame) -> list[str]:
    """The groups present, people first (Human, then named humans), then AI and its models by name."""
    present = [str(group) for group in runs["group"].dropna().unique()]
    return sorted(present, key=lambda group: (group != "Human", group.endswith("(AI)") or group == "AI", group))


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
        for m in compared_metrics()
        if not m.column.startswith("score_")
    ]


def group_means(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean of each score per group, columns named by the score's label (for the radar)."""
    columns = {f"score_{spec.key}": spec.label for spec in score_specs()}
    means = runs.groupby("group")[list(columns)].mean().rename(columns=columns)
    return means.dropna(axis=1, how="all")


def two_group_results(runs: pd.DataFrame, group_a: str, group_b: str) -> list[TwoSamples]:
    """Every compared metric of `group_a` against `group_b`, Holm-corrected across the metrics."""
    a = runs[runs["group"] == group_a]
    b = runs[runs["group"] == group_b]
    return with_holm([compare_two(m.label, a[m.column], b[m.column]) for m in compared_metrics()])


def matched_pairs(runs: pd.DataFrame, group_a: str, group_b: str) -> pd.DataFrame:
    """One row per (study, project) that has runs in both groups: each side's median per metric, as
    columns `<column>_a` and `<column>_b`. Runs outside any study are never matched."""
    columns = [m.column for m in compared_metrics()]
    inside = runs[runs["study"].notna() & runs["group"].isin([group_a, group_b])]
    medians = inside.groupby(["study", "project", "group"])[columns].median().reset_index()
    side_a = medians[medians["group"] == group_a].drop(columns="group")
    side_b = medians[medians["group"] == group_b].drop(columns="group")
    return side_a.merge(side_b, on=["study", "project"], suffixes=("_a", "_b"))


def paired_results(pairs: pd.DataFrame) -> list[PairedSamples]:
    """Wilcoxon signed-rank per metric over the matched projects, Holm-corrected across the metrics."""
    return paired_with_holm(
        [compare_paired(m.label, pairs[f"{m.column}_a"], pairs[f"{m.column}_b"]) for m in compared_metrics()]
    )


def enough_for_confidence(runs: pd.DataFrame, group_a: str, group_b: str) -> bool:
    counts = runs["group"].value_counts()
    return min(int(counts.get(group_a, 0)), int(counts.get(group_b, 0))) >= MIN_RUNS_FOR_CONFIDENCE


def format_ci(value: MedianCI | None) -> str:
    """'72.5 [68.0, 75.1]'; the median alone when there is no interval; '–' for no data."""
    if value is None:
        return NO_VALUE
    if value.low is None or value.high is None:
        return f"{value.median:.3g}"
    return f"{value.median:.3g} [{value.low:.3g}, {value.high:.3g}]"


def _verdict(item: TwoSamples, better: str, group_a: str, group_b: str) -> str:
    if item.n_a == 0 or item.n_b == 0:
        return "no data"
    if not item.tested:
        return f"not tested (needs {MIN_RUNS_FOR_TEST}+ runs in each group)"
    if not item.significant:
        return "no significant difference"
    higher = group_a if (item.cliffs_delta or 0.0) > 0 else group_b
    lower = group_b if higher == group_a else group_a
    return f"{higher if better == 'higher' else lower} better ({item.magnitude} effect)"


def comparison_table(
    results: list[TwoSamples], group_a: str, group_b: str, better: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The page's and the report's table: medians with 95% CIs, U, p, Holm's p, Cliff's delta, verdict.
    `better`: metric label -> "higher" / "lower" (default: the compared metrics' own)."""
    better = better or {m.label: m.better for m in compared_metrics()}
    rows = [
        {
            "metric": item.metric,
            f"n {group_a}": item.n_a,
            f"median {group_a} [95% CI]": format_ci(item.median_a),
            f"n {group_b}": item.n_b,
            f"median {group_b} [95% CI]": format_ci(item.median_b),
            "U": item.u_statistic,
            "p-value": item.p_value,
            "p (Holm)": item.p_holm,
            "Cliff's delta": item.cliffs_delta,
            "magnitude": item.magnitude or NO_VALUE,
            "verdict": _verdict(item, better.get(item.metric, "higher"), group_a, group_b),
        }
        for item in results
    ]
    return _numeric(pd.DataFrame.from_records(rows))


def _numeric(table: pd.DataFrame) -> pd.DataFrame:
    return table.astype({column: "float64" for column in _STATISTICS if column in table.columns})


def paired_table(results: list[PairedSamples], group_a: str, group_b: str) -> pd.DataFrame:
    """Per metric: matched projects, median difference (a - b) with its 95% CI, Wilcoxon W and p-values."""
    rows = [
        {
            "metric": item.metric,
            "matched projects": item.pairs,
            f"median difference {group_a} − {group_b} [95% CI]": format_ci(item.median_difference),
            "Wilcoxon W": item.statistic,
            "p-value": item.p_value,
            "p (Holm)": item.p_holm,
        }
        for item in results
    ]
    return _numeric(pd.DataFrame.from_records(rows))
