"""Two-sample and paired comparisons for studies of human- and AI-written code, all computed by scipy.

Why these tests: runs are few, scores are bounded and skewed, so rank statistics fit better than
means and t-tests. Each metric is summarised by its median with a bootstrap 95% confidence interval
(`scipy.stats.bootstrap`, percentile method); two groups are compared with the two-sided Mann-Whitney U
test and Cliff's delta (the share of pairs where a run of the first group is higher minus the share
where it is lower, i.e. 2U/(n1*n2) - 1, taken from scipy's U), and the p-values of all the metrics
compared at once are corrected with Holm's step-down method. Matched projects (the same task done by a
person and by a model) are compared with the Wilcoxon signed-rank test on their paired differences.

The functions take plain sequences of numbers and know nothing of runs or pages, so any view (the
Human vs AI page, the HTML report, the "inside repositories" view) can reuse them.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.stats import bootstrap, mannwhitneyu, quantile_test, wilcoxon

MIN_RUNS_FOR_TEST = 3  # below this in either group no test is run at all
MIN_RUNS_FOR_CONFIDENCE = 10  # below this in either group the page warns that results are fragile
ALPHA = 0.05
CONFIDENCE = 0.95
BOOTSTRAP_RESAMPLES = 2000
# Above this many values the bootstrap of a median costs too long for a page (n x resamples medians) while
# it has converged to the exact order-statistic interval, which scipy's quantile_test gives at once.
BOOTSTRAP_MAX_VALUES = 300
_SEED = 8  # fixed, so the same data always gets the same interval
# Romano et al. (2006): |delta| below these is negligible, small, medium; otherwise large.
CLIFF_THRESHOLDS = ((0.147, "negligible"), (0.33, "small"), (0.474, "medium"))


@dataclass(frozen=True)
class MedianCI:
    """A median and its 95% confidence interval (low == high == median when every value is equal)."""

    median: float
    low: float | None
    high: float | None


@dataclass(frozen=True)
class TwoSamples:
    """One metric compared between two independent groups."""

    metric: str
    n_a: int
    n_b: int
    median_a: MedianCI | None
    median_b: MedianCI | None
    u_statistic: float | None = None
    p_value: float | None = None
    p_holm: float | None = None
    cliffs_delta: float | None = None

    @property
    def tested(self) -> bool:
        return self.p_value is not None

    @property
    def magnitude(self) -> str | None:
        return cliff_magnitude(self.cliffs_delta)

    @property
    def significant(self) -> bool:
        """Significant after Holm's correction (the uncorrected p-value when no correction was applied)."""
        p = self.p_holm if self.p_holm is not None else self.p_value
        return p is not None and p < ALPHA


@dataclass(frozen=True)
class PairedSamples:
    """One metric compared within matched pairs (a, b) of the same project."""

    metric: str
    pairs: int
    median_difference: MedianCI | None
    statistic: float | None = None
    p_value: float | None = None
    p_holm: float | None = None


def floats(values: Sequence[float | None] | np.ndarray | pd.Series) -> np.ndarray:
    """The values as a float array, None and anything non-numeric as NaN (vectorised by pandas)."""
    array: np.ndarray = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return array


def clean(values: Sequence[float | None] | np.ndarray | pd.Series) -> np.ndarray:
    """The finite values as a float array (None and NaN dropped)."""
    array = floats(values)
    finite: np.ndarray = array[np.isfinite(array)]
    return finite


def cliff_magnitude(delta: float | None) -> str | None:
    if delta is None or math.isnan(delta):
        return None
    for threshold, label in CLIFF_THRESHOLDS:
        if abs(delta) < threshold:
            return label
    return "large"


def median_ci(values: Sequence[float] | np.ndarray, confidence: float = CONFIDENCE) -> MedianCI | None:
    """The median with its bootstrap confidence interval; None for no values, no interval for one."""
    x = clean(values)
    if len(x) == 0:
        return None
    median = float(np.median(x))
    if len(x) == 1:
        return MedianCI(median, None, None)
    if np.ptp(x) == 0:
        return MedianCI(median, median, median)
    if len(x) > BOOTSTRAP_MAX_VALUES:
        interval = quantile_test(x, q=median, p=0.5).confidence_interval(confidence)
    else:
        interval = bootstrap(
            (x,),
            np.median,
            n_resamples=BOOTSTRAP_RESAMPLES,
            confidence_level=confidence,
            method="percentile",
            vectorized=True,
            rng=np.random.default_rng(_SEED),
        ).confidence_interval
    return MedianCI(median, _finite(interval.low), _finite(interval.high))


def _finite(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def compare_two(metric: str, a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> TwoSamples:
    """Medians with CIs, Mann-Whitney U (two-sided) and Cliff's delta of `a` against `b`."""
    x, y = clean(a), clean(b)
    result = TwoSamples(metric, len(x), len(y), median_ci(x), median_ci(y))
    if min(len(x), len(y)) < MIN_RUNS_FOR_TEST:
        return result
    if np.ptp(np.concatenate([x, y])) == 0:  # every value equal: no evidence of a difference
        return replace(result, u_statistic=len(x) * len(y) / 2.0, p_value=1.0, cliffs_delta=0.0)
    test = mannwhitneyu(x, y, alternative="two-sided")
    delta = 2.0 * float(test.statistic) / (len(x) * len(y)) - 1.0
    return replace(result, u_statistic=float(test.statistic), p_value=_finite(test.pvalue), cliffs_delta=delta)


def compare_paired(metric: str, a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> PairedSamples:
    """Wilcoxon signed-rank test on the differences a - b of matched pairs (pairs with a gap dropped)."""
    first, second = floats(a), floats(b)
    keep = np.isfinite(first) & np.isfinite(second)
    differences = first[keep] - second[keep]
    result = PairedSamples(metric, len(differences), median_ci(differences))
    if len(differences) < MIN_RUNS_FOR_TEST:
        return result
    if not np.any(differences):
        return replace(result, statistic=0.0, p_value=1.0)
    with warnings.catch_warnings():
        # scipy warns that an exact p-value is impossible with ties or zeros and switches to the
        # normal approximation; that switch is what we want, and the page states the method.
        warnings.simplefilter("ignore", UserWarning)
        test = wilcoxon(differences, zero_method="wilcox", alternative="two-sided")
    return replace(result, statistic=float(test.statistic), p_value=_finite(test.pvalue))


def holm(p_values: Mapping[str, float | None]) -> dict[str, float | None]:
    """Holm's step-down adjusted p-values (scipy offers only FDR corrections; Holm controls the
    family-wise error rate): the k-th smallest of m is multiplied by m - k + 1, then made monotone."""
    tested = sorted((p, key) for key, p in p_values.items() if p is not None)
    adjusted: dict[str, float | None] = {key: None for key in p_values}
    running = 0.0
    for rank, (p, key) in enumerate(tested):
        running = max(running, min(1.0, (len(tested) - rank) * p))
        adjusted[key] = running
    return adjusted


def with_holm(results: Sequence[TwoSamples]) -> list[TwoSamples]:
    """The same comparisons with `p_holm` filled in across all of them."""
    adjusted = holm({item.metric: item.p_value for item in results})
    return [replace(item, p_holm=adjusted[item.metric]) for item in results]


def paired_with_holm(results: Sequence[PairedSamples]) -> list[PairedSamples]:
    adjusted = holm({item.metric: item.p_value for item in results})
    return [replace(item, p_holm=adjusted[item.metric]) for item in results]
