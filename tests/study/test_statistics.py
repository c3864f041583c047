"""The statistics engine against definitions computed independently (brute force over pairs, Holm's
worked example) and against scipy's own reference results."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.stats import mannwhitneyu, wilcoxon

from vibe8_core import statistics as st


@pytest.mark.parametrize(
    ("a", "b"),
    [([1, 2, 3], [4, 5, 6]), ([4, 5, 6], [1, 2, 3]), ([1, 2, 3, 3], [1, 2, 3]), ([1, 3, 9, 2], [2, 2, 5])],
)
def test_cliffs_delta_is_the_share_of_pairs_higher_minus_lower(a, b):
    pairs = list(itertools.product(a, b))
    expected = (sum(x > y for x, y in pairs) - sum(x < y for x, y in pairs)) / len(pairs)
    result = st.compare_two("m", a, b)
    assert result.cliffs_delta == pytest.approx(expected)
    assert result.u_statistic == pytest.approx(mannwhitneyu(a, b).statistic)


def test_a_clear_difference_is_large_and_significant_and_tiny_groups_are_not_tested():
    clear = st.compare_two("m", range(10, 20), range(0, 10))
    assert clear.tested and clear.significant and clear.cliffs_delta == 1.0 and clear.magnitude == "large"
    assert clear.median_a.median == 14.5 and clear.median_a.low <= 14.5 <= clear.median_a.high
    tiny = st.compare_two("m", [1.0, 2.0], [3.0, 4.0, 5.0])
    assert not tiny.tested and tiny.p_value is None and tiny.median_a.median == 1.5
    same = st.compare_two("m", [5.0] * 4, [5.0] * 4)
    assert same.p_value == 1.0 and not same.significant and same.magnitude == "negligible"
    gaps = st.compare_two("m", [1.0, None, float("nan"), 2.0, 3.0], [4.0, 5.0, 6.0])
    assert (gaps.n_a, gaps.n_b) == (3, 3)


@pytest.mark.parametrize(
    ("delta", "label"), [(0.0, "negligible"), (-0.2, "small"), (0.4, "medium"), (-0.9, "large"), (None, None)]
)
def test_cliff_magnitudes_follow_romano(delta, label):
    assert st.cliff_magnitude(delta) == label


def test_holm_matches_the_worked_example_and_keeps_untested_metrics_empty():
    adjusted = st.holm({"a": 0.01, "b": 0.04, "c": 0.03, "d": 0.005, "e": None})
    assert adjusted == pytest.approx({"d": 0.02, "a": 0.03, "c": 0.06, "b": 0.06, "e": None})
    results = st.with_holm([st.compare_two("x", range(10), range(10, 20)), st.compare_two("y", [1, 2], [3])])
    assert results[0].p_holm == pytest.approx(results[0].p_value) and results[1].p_holm is None


def test_median_ci_bootstraps_small_samples_and_is_exact_for_large_ones():
    rng = np.random.default_rng(3)
    small = rng.normal(50, 10, size=40)
    ci = st.median_ci(small)
    assert ci.low < ci.median < ci.high and st.median_ci(small) == ci  # seeded: reproducible
    large = rng.normal(50, 10, size=st.BOOTSTRAP_MAX_VALUES * 4)
    ci_large = st.median_ci(large)
    assert ci_large.low < np.median(large) < ci_large.high and ci_large.high - ci_large.low < ci.high - ci.low
    assert st.median_ci([]) is None and st.median_ci([7.0]) == st.MedianCI(7.0, None, None)
    assert st.median_ci([2.0, 2.0, 2.0]) == st.MedianCI(2.0, 2.0, 2.0)


def test_paired_comparison_is_wilcoxon_on_the_differences():
    a = [10.0, 12.0, 9.0, 14.0, 11.0, 13.0, 15.0]
    b = [8.0, 11.0, 9.5, 10.0, 7.0, 12.5, 9.0]
    result = st.compare_paired("m", a, b)
    reference = wilcoxon(np.subtract(a, b))
    assert result.pairs == 7 and result.p_value == pytest.approx(reference.pvalue)
    assert result.statistic == pytest.approx(reference.statistic)
    assert result.median_difference.median == pytest.approx(np.median(np.subtract(a, b)))
    assert st.compare_paired("m", [1.0, 2.0, 3.0], [1.0, 2.0, 3.0]).p_value == 1.0
    assert st.compare_paired("m", [1.0, None], [2.0, 3.0]).pairs == 1
