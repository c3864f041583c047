"""Human vs AI: the user's runs grouped by author type or model, per-metric distributions, a radar
of mean scores, whether the groups differ (medians with 95% CIs, Mann-Whitney U, Cliff's delta, Holm),
and the paired view of projects matched within a study (Wilcoxon signed-rank)."""

import streamlit as st

from vibe8_core.dashboard import charts, compare_view, loaders, widgets
from vibe8_core.dashboard.authorship_views import INSIDE_VIEW, inside_repositories
from vibe8_core.dashboard.compare import (
    GROUPINGS,
    group_means,
    group_palette,
    metric_catalogue,
    ordered_groups,
    prepare_groups,
)
from vibe8_core.dashboard.session import current_user
from vibe8_core.store import RunFilter, utc_day_bounds

user = current_user()
st.title("Human vs AI")
st.caption("Do human- and AI-written projects differ? Each run counts once; counts are per 1,000 lines.")
widgets.demo_if_empty(user.id, key="compare_demo")
view = st.segmented_control(
    "View", ["By submission label", INSIDE_VIEW], default="By submission label", key="compare_view"
)
if view == INSIDE_VIEW:
    inside_repositories(user.id, loaders.runs_for(user.id))
    st.stop()
choices = loaders.history_choices(user.id)

first, second, third, fourth = st.columns([1, 2, 2, 2])
grouping = first.radio("Group by", list(GROUPINGS), format_func=GROUPINGS.get, key="compare_grouping")
studies = second.multiselect("Studies", choices.studies, key="compare_studies")
projects = third.multiselect("Projects", choices.projects, key="compare_projects")
created_from, created_to = utc_day_bounds(*widgets.date_range(fourth, choices.created, key="compare_dates"))
filters = RunFilter(tuple(projects), studies=tuple(studies), created_from=created_from, created_to=created_to)
# From every run's labels: a group's colour never depends on the selection.
colours = group_palette(loaders.runs_for(user.id, headers_only=True))
shown = prepare_groups(loaders.runs_for(user.id, filters), grouping)

left, right = st.columns([1, 2])
with left:
    st.subheader("Runs per group")
    st.plotly_chart(charts.group_counts(shown, "group", colours), key="counts")
with right:
    st.subheader("Mean scores")
    st.plotly_chart(charts.radar(group_means(shown), colours), key="radar")
    st.caption("Each axis is a 0-100 score where higher is better; a larger shape is better code.")

st.subheader("Is the difference real?")
groups = ordered_groups(shown)
if len(groups) < 2:
    st.info("Not enough data: analyze both human- and AI-written code to compare them.")
else:
    pick_a, pick_b = st.columns(2)
    group_a = pick_a.selectbox("Group", groups, index=0, key="compare_a")
    group_b = pick_b.selectbox("against", [g for g in groups if g != group_a], index=0, key="compare_b")
    compare_view.two_groups(shown, group_a, group_b)
    compare_view.paired(shown, group_a, group_b)
    compare_view.downloads(user.id, shown, group_a, group_b)

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
