"""The Human vs AI page's statistics sections: two groups, matched pairs, and the study downloads.

Drawn here so that the page stays a list of sections; the numbers come from `compare` (which calls
`vibe8_core.statistics`), the files from `study.report` and `study.export`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from functools import partial

import pandas as pd
import streamlit as st

from vibe8_core.dashboard import resources
from vibe8_core.dashboard.compare import (
    comparison_table,
    enough_for_confidence,
    matched_pairs,
    paired_results,
    paired_table,
    two_group_results,
)
from vibe8_core.dashboard.escape import md
from vibe8_core.dashboard.widgets import MISSING
from vibe8_core.statistics import MIN_RUNS_FOR_CONFIDENCE
from vibe8_core.study.columns import LEVELS
from vibe8_core.study.export import FORMATS, MEDIA_TYPES, export_runs, file_name
from vibe8_core.study.report import study_report

NUMBER_FORMATS = {
    "U": st.column_config.NumberColumn(format="%.1f", help="Mann-Whitney U of the first group."),
    "p-value": st.column_config.NumberColumn(format="%.4f", help="Two-sided, before correction."),
    "p (Holm)": st.column_config.NumberColumn(format="%.4f", help="Holm-corrected across every metric here."),
    "Cliff's delta": st.column_config.NumberColumn(
        format="%+.2f", help="-1…+1: share of pairs where the first group is higher minus lower."
    ),
    "Wilcoxon W": st.column_config.NumberColumn(format="%.1f", help="Wilcoxon signed-rank statistic."),
}


def _counts_warning(runs: pd.DataFrame, group_a: str, group_b: str) -> None:
    counts = runs["group"].value_counts()
    n_a, n_b = int(counts.get(group_a, 0)), int(counts.get(group_b, 0))
    if not enough_for_confidence(runs, group_a, group_b):
        st.warning(
            f"Not enough data for firm conclusions: {md(group_a)} has {n_a} run(s) and {md(group_b)} {n_b}; "
            f"with fewer than {MIN_RUNS_FOR_CONFIDENCE} runs per group the intervals are wide and the tests weak. "
            "Treat every difference below as a hint."
        )


def two_groups(runs: pd.DataFrame, group_a: str, group_b: str) -> None:
    """Medians with 95% CIs, Mann-Whitney U, Cliff's delta and Holm's correction for every metric."""
    _counts_warning(runs, group_a, group_b)
    table = comparison_table(two_group_results(runs, group_a, group_b), group_a, group_b)
    st.dataframe(table, hide_index=True, column_config=NUMBER_FORMATS, placeholder=MISSING, key="compare_table")
    st.caption(
        "Counts are per 1,000 lines. Medians with bootstrap 95% confidence intervals; Mann-Whitney U, two-sided; "
        "significant means Holm-corrected p < 0.05 across all metrics; Cliff's delta > 0 means the first group "
        "is higher."
    )


def paired(runs: pd.DataFrame, group_a: str, group_b: str) -> None:
    """Projects analysed in both groups within a study, compared pair by pair (Wilcoxon signed-rank)."""
    st.markdown("**Matched projects** (the same project in both groups, within a study)")
    pairs = matched_pairs(runs, group_a, group_b)
    if pairs.empty:
        st.info(
            "No matched projects: submit a manifest where the same project appears once as human and once as AI "
            "within one study to see the paired comparison."
        )
        return
    if len(pairs) < MIN_RUNS_FOR_CONFIDENCE:
        st.warning(f"Only {len(pairs)} matched project(s): the paired test is weak below {MIN_RUNS_FOR_CONFIDENCE}.")
    table = paired_table(paired_results(pairs), group_a, group_b)
    st.dataframe(table, hide_index=True, column_config=NUMBER_FORMATS, placeholder=MISSING, key="paired_table")
    st.caption("Wilcoxon signed-rank test on each project's difference; p-values Holm-corrected across metrics.")


def _report(user_id: uuid.UUID, runs: pd.DataFrame, group_a: str, group_b: str) -> bytes:
    ids = [uuid.UUID(run_id) for run_id in runs["run_id"]]
    with resources.database().unit_of_work() as uow:
        versions = uow.runs.tool_versions_of(user_id, ids)
    studies = sorted(runs["study"].dropna().unique())
    title = f"Vibe8 study {', '.join(studies)}" if studies else "Vibe8 comparison"
    return study_report(runs, group_a, group_b, versions, title).encode()


def _export(user_id: uuid.UUID, run_ids: Callable[[], Sequence[object]], level: str, fmt: str) -> bytes:
    ids = [uuid.UUID(str(run_id)) for run_id in run_ids()]
    return export_runs(resources.database(), user_id, level=level, fmt=fmt, run_ids=ids)


def export_buttons(user_id: uuid.UUID, run_ids: Callable[[], Sequence[object]], key: str, stem: str) -> None:
    """A level picker and one download button per format for exactly the runs `run_ids` names (asked for
    only when a button is clicked); each button's label says the level it downloads."""
    level_col, *buttons, _ = st.columns([2, 1, 1, 2])
    level = level_col.selectbox("Research table", LEVELS, key=f"{key}_level", format_func=lambda v: f"one row per {v}")
    for column, fmt in zip(buttons, FORMATS, strict=True):
        column.download_button(
            f"{fmt.upper()} · {level}s",  # names what this run of the page prepared (a click right after
            # choosing another level, before the page has rerun, would otherwise get the previous table)
            partial(_export, user_id, run_ids, level, fmt),
            file_name(stem, level, fmt),
            MEDIA_TYPES[fmt],
            key=f"{key}_{fmt}",
            icon=":material/download:",
        )


def downloads(user_id: uuid.UUID, runs: pd.DataFrame, group_a: str, group_b: str) -> None:
    """The HTML report of this comparison and the research tables of the runs shown."""
    st.markdown("**Share this comparison**")
    chosen = runs[runs["group"].isin([group_a, group_b])]
    st.download_button(
        "Report (HTML)",
        partial(_report, user_id, chosen, group_a, group_b),
        "vibe8-report.html",
        "text/html",
        key="compare_report",
        icon=":material/description:",
    )
    export_buttons(user_id, chosen["run_id"].tolist, key="compare_export", stem="vibe8-comparison")
