"""Comparing groups of runs: Mann-Whitney U with Cliff's delta as the effect size.

Runs are few and scores are bounded and skewed, so a rank test fits better than a t-test. Cliff's delta
(equal to the rank-biserial correlation, 2U/(n1*n2) - 1) says how often a run of one group beats a run of
the other: 0 is no difference, +/-1 is complete separation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu, rankdata

MIN_RUNS_PER_GROUP = 3
NUMBER_COLUMNS = ("Cliff's delta", "p-value")
ALPHA = 0.05


@dataclass(frozen=True)
class GroupComparison:
    metric: str
    group_a: str
    group_b: str
    n_a: int
    n_b: int
    median_a: float | None
    median_b: float | None
    p_value: float | None
    cliffs_delta: float | None

    @property
    def enough_data(self) -> bool:
        return self.n_a >= MIN_RUNS_PER_GROUP and self.n_b >= MIN_RUNS_PER_GROUP

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < ALPHA

    @property
    def magnitude(self) -> str:
        """Romano et al.'s thresholds for |delta|: negligible, small, medium, large."""
        if self.cliffs_delta is None:
            return "–"
        size = abs(self.cliffs_delta)
        if size < 0.147:
            return "negligible"
        if size < 0.33:
            return "small"
        if size < 0.474:
            return "medium"
        return "large"


def cliffs_delta(a: np.ndarray, b: np.ndarray) -> float:
    """P(a > b) - P(a < b) over all pairs, from ranks in O(n log n) (equals 2U/(n1*n2) - 1)."""
    n_a, n_b = len(a), len(b)
    if n_a == 0 or n_b == 0:
        return float("nan")
    ranks = rankdata(np.concatenate([a, b]))
    u_a = ranks[:n_a].sum() - n_a * (n_a + 1) / 2.0
    return float(2.0 * u_a / (n_a * n_b) - 1.0)


def compare_groups(metric: str, group_a: str, a: pd.Series, group_b: str, b: pd.Series) -> GroupComparison:
    """Medians, Mann-Whitney U (two-sided) and Cliff's delta of `a` vs `b` (NaNs dropped)."""
    x = a.dropna().to_numpy(dtype=float)
    y = b.dropna().to_numpy(dtype=float)
    median_a = float(np.median(x)) if len(x) else None
    median_b = float(np.median(y)) if len(y) else None
    p_value: float | None = None
    delta: float | None = None
    if len(x) >= MIN_RUNS_PER_GROUP and len(y) >= MIN_RUNS_PER_GROUP:
        delta = cliffs_delta(x, y)
        if np.ptp(np.concatenate([x, y])) == 0:
            p_value = 1.0  # every value equal: no evidence of any difference (scipy would warn)
        else:
            p_value = float(mannwhitneyu(x, y, alternative="two-sided").pvalue)
            if math.isnan(p_value):
                p_value = None
    return GroupComparison(metric, group_a, group_b, len(x), len(y), median_a, median_b, p_value, delta)


def comparison_table(comparisons: list[GroupComparison], better: dict[str, str]) -> pd.DataFrame:
    """A readable table: medians, effect, p-value and a plain-words verdict per metric."""
    rows = []
    for item in comparisons:
        if item.n_a == 0 or item.n_b == 0:
            verdict = "no data"
        elif not item.enough_data:
            verdict = f"not enough data (needs {MIN_RUNS_PER_GROUP}+ runs in each group)"
        elif not item.significant:
            verdict = "no significant difference"
        else:
            higher = item.group_a if (item.cliffs_delta or 0) > 0 else item.group_b
            lower = item.group_b if higher == item.group_a else item.group_a
            winner = higher if better.get(item.metric, "higher") == "higher" else lower
            verdict = f"{winner} better ({item.magnitude} effect)"
        rows.append(
            {
                "metric": item.metric,
                f"median {item.group_a}": item.median_a,
                f"median {item.group_b}": item.median_b,
                "runs": f"{item.n_a} vs {item.n_b}",
                "Cliff's delta": item.cliffs_delta,
                "p-value": item.p_value,
                "verdict": verdict,
            }
        )
    table = pd.DataFrame.from_records(rows)
    numbers = [column for column in table.columns if column.startswith("median") or column in NUMBER_COLUMNS]
    return table.astype(dict.fromkeys(numbers, "float64"))  # a missing figure is NaN, never the object None
