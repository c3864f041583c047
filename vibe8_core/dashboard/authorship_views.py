"""The drawing of authorship on the pages: a run's AI share with its tools and models, and the Human vs AI
view "inside repositories (from git history)". The figures come from dashboard/authorship.py."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from vibe8_core.collectors.authorship import AuthorshipMetrics
from vibe8_core.dashboard import charts, loaders, widgets
from vibe8_core.dashboard.authorship import (
    DECLARED_ONLY,
    FIGURES,
    LABELS,
    NO_HISTORY,
    comparison_frame,
    long_figures,
    paired_table,
    pooled,
    repository_pairs,
    side_sizes,
    tool_shares,
    unpaired_table,
)
from vibe8_core.dashboard.compare_view import NUMBER_FORMATS

INSIDE_VIEW = "Inside repositories (from git history)"


def run_authorship_panel(user_id: uuid.UUID, run_id: uuid.UUID, section: AuthorshipMetrics) -> None:
    """Who wrote the run's code: the AI share, its tools and models, and AI- vs human-written quality."""
    with widgets.panel("Who wrote the code", DECLARED_ONLY):
        if section.ai_share_pct is None:
            st.info(NO_HISTORY)
            return
        cards = st.columns(4)
        cards[0].metric("AI-written share", f"{section.ai_share_pct:.1f}%")
        cards[1].metric("AI-written lines", f"{section.ai_lines or 0:,}")
        cards[2].metric("Human-written lines", f"{section.human_lines or 0:,}")
        cards[3].metric("AI commits", f"{section.ai_commits or 0:,} of {section.commits or 0:,}")
        tools, models = st.columns(2)
        for column, key, title, shares in (
            (tools, "tools", "Tools", section.tools),
            (models, "models", "Models", section.models),
        ):
            frame = tool_shares(section.ai_lines, shares)
            with column:
                st.markdown(f"**{title}**")
                if frame.empty:
                    st.caption(f"No {title.lower()} named.")
                else:
                    st.dataframe(frame, hide_index=True, placeholder=widgets.MISSING, key=f"run_{key}")
        counts = loaders.run_split(user_id, run_id)
        if counts:
            st.markdown("**AI-written against human-written code in this run**")
            st.dataframe(comparison_frame(counts), hide_index=True, placeholder=widgets.MISSING, key="run_split")
            st.caption(side_sizes(counts) + ". A function counts as AI-written when AI tools wrote most of its lines.")


def _newest_per_repository(runs: pd.DataFrame) -> pd.DataFrame:
    with_history = runs[runs["ai_share_pct"].notna()]
    return with_history.sort_values("created_at", ascending=False).drop_duplicates("project")


def inside_repositories(user_id: uuid.UUID, runs: pd.DataFrame) -> None:
    """AI-written against human-written code across the user's repositories, pooled, unpaired and paired."""
    st.caption(
        "Each repository's newest run counts once, split by git blame into the lines AI tools wrote and the "
        f"lines people wrote. {DECLARED_ONLY}"
    )
    chosen = _newest_per_repository(runs)
    loaded = {str(run_id): loaders.run_split(user_id, run_id) for run_id in chosen["run_id"]}
    per_run: dict[str, Mapping[str, float]] = {run_id: counts for run_id, counts in loaded.items() if counts}
    if not per_run:
        st.info("No run with git history yet: analyze a GitHub repository (or a local checkout) to see this view.")
        return
    projects = {str(run_id): str(name) for run_id, name in zip(chosen["run_id"], chosen["project"], strict=True)}
    total = pooled(per_run.values())
    st.subheader("All repositories together")
    st.dataframe(comparison_frame(total), hide_index=True, placeholder=widgets.MISSING, key="inside_pooled")
    st.caption(f"{len(per_run)} repositories · {side_sizes(total)}.")
    long = long_figures(per_run, projects)
    st.subheader("Is the difference real?")
    st.dataframe(
        unpaired_table(long),
        hide_index=True,
        placeholder=widgets.MISSING,
        key="inside_unpaired",
        column_config=NUMBER_FORMATS,
    )
    st.caption(
        "One value per repository and side. Medians with bootstrap 95% confidence intervals; Mann-Whitney U, "
        "two-sided; significant means Holm-corrected p < 0.05 across these figures; Cliff's delta > 0 means the "
        "AI-written side is higher."
    )
    st.subheader("Each repository against itself")
    st.caption("The AI part of a repository against its own human part, so the project is held constant.")
    st.dataframe(
        paired_table(long),
        hide_index=True,
        placeholder=widgets.MISSING,
        key="inside_paired",
        column_config=NUMBER_FORMATS,
    )
    st.caption("Wilcoxon signed-rank test on each repository's difference; p-values Holm-corrected across figures.")
    names: list[str] = [figure for figure, _, _ in FIGURES]
    figure = st.selectbox("Measure", names, format_func=lambda name: LABELS[name], key="inside_figure") or names[0]
    st.dataframe(repository_pairs(long, figure), hide_index=True, placeholder=widgets.MISSING, key="inside_pairs")
    shaped = long.assign(group=long["side"].map({"ai": "AI", "human": "Human"}))
    colours = charts.group_colours(["AI", "Human"])
    st.plotly_chart(charts.group_box(shaped, figure, "group", LABELS[figure], colours), key="inside_box")
