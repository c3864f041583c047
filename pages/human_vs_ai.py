"""Human vs AI: the user's runs grouped by author type or model, per-metric distributions, a radar
of mean scores, and whether the groups differ (Mann-Whitney U with Cliff's delta)."""

import streamlit as st

from vibe8_core.dashboard import charts, widgets
from vibe8_core.dashboard.compare import (
    GROUPINGS,
    group_means,
    group_palette,
    group_stats,
    metric_catalogue,
    prepare_groups,
)
from vibe8_core.dashboard.frames import HistoryFilter, filter_runs, ordered_unique
from vibe8_core.dashboard.session import current_user
from vibe8_core.dashboard.stats import MIN_RUNS_PER_GROUP

user = current_user()
st.title("Human vs AI")
st.caption("Do human- and AI-written projects differ? Each run counts once; counts are per 1,000 lines.")
runs = widgets.runs_or_demo(user.id, key="compare_demo")

first, second, third = st.columns([1, 2, 2])
grouping = first.radio("Group by", list(GROUPINGS), format_func=GROUPINGS.get, key="compare_grouping")
projects = second.multiselect("Projects", ordered_unique(runs["project"]), key="compare_projects")
oldest, newest = runs["created_at"].min().date(), runs["created_at"].max().date()
dates = third.date_input("Date range", (oldest, newest), key="compare_dates")
start, end = (tuple(dates) + (None, None))[:2] if isinstance(dates, tuple | list) else (dates, None)
colours = group_palette(runs)  # from all runs: a group's colour never depends on the selection
shown = prepare_groups(filter_runs(runs, HistoryFilter(tuple(projects), date_from=start, date_to=end)), grouping)

counts = shown["group"].value_counts()
left, right = st.columns([1, 2])
with left:
    st.subheader("Runs per group")
    st.plotly_chart(charts.group_counts(shown, "group", colours), key="counts")
with right:
    st.subheader("Mean scores")
    st.plotly_chart(charts.radar(group_means(shown), colours), key="radar")
    st.caption("Each axis is a 0-100 score where higher is better; a larger shape is better code.")

st.subheader("Is the difference real?")
groups = counts.index.tolist()
if len(groups) < 2:
    st.info("Not enough data: analyze both human- and AI-written code to compare them.")
else:
    pick_a, pick_b = st.columns(2)
    group_a = pick_a.selectbox("Group", groups, index=0, key="compare_a")
    group_b = pick_b.selectbox("against", [g for g in groups if g != group_a], index=0, key="compare_b")
    if min(counts[group_a], counts[group_b]) < MIN_RUNS_PER_GROUP:
        st.warning(
            f"Not enough data for a test: {group_a} has {counts[group_a]} run(s) and {group_b} "
            f"{counts[group_b]}; at least {MIN_RUNS_PER_GROUP} each are needed. The medians are shown as-is."
        )
    table = group_stats(shown, group_a, group_b)
    st.dataframe(
        table,
        hide_index=True,
        placeholder=widgets.MISSING,
        column_config={
            "Cliff's delta": st.column_config.NumberColumn(
                format="%+.2f", help="-1…+1: share of pairs where the first group is higher minus lower."
            ),
            "p-value": st.column_config.NumberColumn(format="%.3f", help="Mann-Whitney U, two-sided."),
            **{c: st.column_config.NumberColumn(format="%.1f") for c in table.columns if c.startswith("median")},
        },
        key="compare_table",
    )
    st.caption("Significant means p < 0.05 (Mann-Whitney U); Cliff's delta > 0 means the first group is higher.")

st.subheader("Distributions")
kind = st.segmented_control(
    "Metrics", ["Scores", "Raw measures"], default="Scores", key="compare_kind", label_visibility="collapsed"
)
catalogue = metric_catalogue(kind or "Scores")
columns = st.columns(2)
for index, (column, label, meaning) in enumerate(catalogue):
    with columns[index % 2]:
        st.markdown(f"**{label}**")
        if shown[column].isna().all():
            st.info(f"No run in this selection has a {label.lower()} figure.")
        else:
            figure = charts.group_box(shown, column, "group", label, colours, score=column.startswith("score_"))
            st.plotly_chart(figure, key=f"box_{column}")
        st.caption(meaning)
