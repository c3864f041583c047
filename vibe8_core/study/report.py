"""A self-contained HTML report of a comparison, to share a study: plots, tables, methods, manifest.

Self-contained means one file that opens offline: plotly's JavaScript is inlined once, every table is
HTML, and nothing is fetched from the network.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go

from vibe8_core.dashboard import charts
from vibe8_core.dashboard.compare import (
    compared_metrics,
    comparison_table,
    enough_for_confidence,
    group_means,
    group_palette,
    matched_pairs,
    paired_results,
    paired_table,
    two_group_results,
)
from vibe8_core.statistics import ALPHA, BOOTSTRAP_MAX_VALUES, BOOTSTRAP_RESAMPLES, MIN_RUNS_FOR_CONFIDENCE

MANIFEST_COLUMNS = {
    "study": "study",
    "project": "project",
    "group": "group",
    "author_type": "author type",
    "author_model": "model",
    "source": "source",
    "created_at": "analysed",
}
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #111827; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #d1d5db; padding: 0.25rem 0.5rem; text-align: left; }
th { background: #f3f4f6; } .warning { background: #fef3c7; border-left: 4px solid #f59e0b; padding: 0.5rem 1rem; }
"""


def methods(group_a: str, group_b: str, n_a: int, n_b: int, pairs: int) -> list[str]:
    """The methods, in two paragraphs."""
    first = (
        f"Each run is one project analysed by Vibe8 with fixed tool settings; {n_a} run(s) of {group_a} are "
        f"compared with {n_b} of {group_b}. Every count is divided by the run's source lines of code and "
        "multiplied by 1,000, so project size does not decide the comparison; scores are 0-100 with higher "
        "better. Each metric is summarised by its median with a 95% confidence interval from a percentile "
        f"bootstrap ({BOOTSTRAP_RESAMPLES} resamples, scipy.stats.bootstrap; above {BOOTSTRAP_MAX_VALUES} "
        "runs the exact order-statistic interval of scipy.stats.quantile_test, to which the bootstrap converges)."
    )
    second = (
        "Groups are compared with the two-sided Mann-Whitney U test (scipy.stats.mannwhitneyu) and Cliff's "
        "delta, the share of pairs of runs in which the first group is higher minus the share in which it is "
        "lower (2U/(n1 n2) - 1), read as negligible below 0.147, small below 0.33, medium below 0.474 and large "
        f"above (Romano et al., 2006). The p-values of all {len(compared_metrics())} metrics are corrected together "
        f"with Holm's step-down method and called significant below {ALPHA}. Projects analysed in both groups "
        f"within one study ({pairs} matched here) are also compared pairwise with the Wilcoxon signed-rank test "
        "(scipy.stats.wilcoxon) on the differences of their medians. Fewer than "
        f"{MIN_RUNS_FOR_CONFIDENCE} runs per group make every result fragile."
    )
    return [first, second]


def _figure_html(figures: Sequence[go.Figure]) -> str:
    parts = []
    for index, figure in enumerate(figures):
        parts.append(figure.to_html(full_html=False, include_plotlyjs=index == 0, default_width="100%"))
    return "\n".join(parts)


def _table_html(frame: pd.DataFrame) -> str:
    table: str = frame.to_html(index=False, na_rep="–", float_format=lambda value: f"{value:.4g}", border=0)
    return table


def study_report(
    runs: pd.DataFrame, group_a: str, group_b: str, tool_versions: Sequence[str], title: str = "Vibe8 study"
) -> str:
    """The whole report as one HTML document (`runs` as prepared by compare.prepare_groups)."""
    results = two_group_results(runs, group_a, group_b)
    pairs = matched_pairs(runs, group_a, group_b)
    n_a, n_b = int((runs["group"] == group_a).sum()), int((runs["group"] == group_b).sum())
    shown = runs[runs["group"].isin([group_a, group_b])]
    colours = group_palette(runs)
    figures = [charts.group_counts(shown, "group", colours), charts.radar(group_means(shown), colours)]
    figures += [  # the ten scores' distributions (every raw measure is in the table above)
        charts.group_box(shown, m.column, "group", m.label, colours, score=True)
        for m in compared_metrics()
        if m.column.startswith("score_") and shown[m.column].notna().any()
    ]
    manifest = shown[list(MANIFEST_COLUMNS)].rename(columns=MANIFEST_COLUMNS)
    manifest["analysed"] = manifest["analysed"].dt.strftime("%Y-%m-%d %H:%M")
    warning = "" if enough_for_confidence(runs, group_a, group_b) else (
        f'<p class="warning">Fewer than {MIN_RUNS_FOR_CONFIDENCE} runs in a group: treat every difference '
        "below as a hint, not a finding.</p>"
    )  # fmt: skip
    paired = (
        _table_html(paired_table(paired_results(pairs), group_a, group_b))
        if len(pairs)
        else "<p>No project of a study was analysed in both groups.</p>"
    )
    versions = "".join(f"<li><code>{html.escape(v)}</code></li>" for v in tool_versions) or "<li>not recorded</li>"
    esc = html.escape
    body = [
        f"<h1>{esc(title)}: {esc(group_a)} vs {esc(group_b)}</h1>",
        f"<p>Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by Vibe8 from {n_a + n_b} runs.</p>",
        warning,
        "<h2>Methods</h2>",
        *(f"<p>{esc(paragraph)}</p>" for paragraph in methods(group_a, group_b, n_a, n_b, len(pairs))),
        "<h2>Medians, tests and effect sizes</h2>",
        _table_html(comparison_table(results, group_a, group_b)),
        "<h2>Matched projects (paired)</h2>",
        paired,
        "<h2>Plots</h2>",
        _figure_html(figures),
        "<h2>Manifest</h2>",
        _table_html(manifest),
        "<h2>Tool versions</h2>",
        f"<ul>{versions}</ul>",
    ]
    head = f'<meta charset="utf-8"><title>{esc(title)}</title><style>{_STYLE}</style>'
    return f"<!DOCTYPE html>\n<html><head>{head}</head><body>\n" + "\n".join(body) + "\n</body></html>\n"
